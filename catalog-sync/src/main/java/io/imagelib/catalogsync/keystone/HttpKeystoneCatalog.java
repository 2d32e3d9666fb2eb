package io.imagelib.catalogsync.keystone;

import io.imagelib.catalogsync.domain.CatalogEndpoint;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Keystone v3 catalog calls over HTTP; a 401 renews the token once and retries the call. */
public final class HttpKeystoneCatalog implements KeystoneCatalog {

    private final KeystoneHttp http;
    private final TokenSource tokens;

    public HttpKeystoneCatalog(KeystoneHttp http, TokenSource tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    @Override
    public String serviceId(String type, String name) {
        String what = "GET /v3/services?type=" + type;
        JsonNode services = call(token -> get("v3/services?type=" + encode(type), token), what).path("services");
        return services.values().stream()
                .filter(service -> name == null || name.equals(service.path("name").asString("")))
                .map(service -> service.path("id").asString(""))
                .filter(id -> !id.isEmpty())
                .sorted()
                .findFirst()
                .orElseThrow(() -> new KeystoneException("not-found",
                        "no service of type " + type + (name == null ? "" : " named " + name) + " in the catalog"));
    }

    @Override
    public List<CatalogEndpoint> endpoints(String serviceId, String interfaceName, String region) {
        String query = "v3/endpoints?service_id=" + encode(serviceId) + "&interface=" + encode(interfaceName)
                + "&region_id=" + encode(region);
        return call(token -> get(query, token), "GET /" + query).path("endpoints").values().stream()
                .map(endpoint -> new CatalogEndpoint(endpoint.path("id").asString(),
                        endpoint.path("region_id").asString(endpoint.path("region").asString(null)),
                        endpoint.path("interface").asString(), endpoint.path("url").asString(null)))
                .toList();
    }

    @Override
    public void setUrl(String endpointId, String url) {
        call(token -> http.request("v3/endpoints/" + encode(endpointId))
                .header("X-Auth-Token", token)
                .header("Content-Type", "application/json")
                .method("PATCH", KeystoneHttp.json(Map.of("endpoint", Map.of("url", url))))
                .build(), "PATCH /v3/endpoints/" + endpointId);
    }

    private HttpRequest get(String pathAndQuery, String token) {
        return http.request(pathAndQuery).header("X-Auth-Token", token).GET().build();
    }

    private JsonNode call(Function<String, HttpRequest> request, String what) {
        String token = tokens.token();
        HttpResponse<String> response = http.send(request.apply(token), what);
        if (response.statusCode() == 401) {
            // Expired early or revoked: one retry with a fresh token, then it is a real failure.
            tokens.rejected(token);
            response = http.send(request.apply(tokens.token()), what);
        }
        if (response.statusCode() / 100 != 2) {
            throw KeystoneException.forStatus(response.statusCode(), what);
        }
        return KeystoneHttp.parse(response, what);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
