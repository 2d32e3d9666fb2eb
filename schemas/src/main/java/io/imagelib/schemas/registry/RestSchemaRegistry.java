package io.imagelib.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API v7 (also served by Apicurio under /apis/ccompat/v7 and by
 * Karapace). Registered ids and fetched schemas are cached forever: they are immutable, so a running service
 * keeps producing and consuming while the registry is down.
 */
public final class RestSchemaRegistry implements SchemaRegistry {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public RestSchemaRegistry(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public RestSchemaRegistry(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(5));
    }

    @Override
    public int register(String subject, Schema schema) {
        String cacheKey = subject + '\n' + schema;
        Integer cached = idsBySubjectAndSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 409) {
                throw e;
            }
            // Apicurio answers the loser of two concurrent first registrations of a subject 409: the schema is then
            // registered, so look its id up. A real incompatibility (Confluent's 409) is not found and stays an error.
            answer = lookUp(subject, schema).orElseThrow(() -> e);
        }
        int id = answer.path("id").asInt();
        idsBySubjectAndSchema.put(cacheKey, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** {@code POST /subjects/{subject}}: the version of {@code subject} with exactly this schema, if there is one. */
    private Optional<JsonNode> lookUp(String subject, Schema schema) {
        try {
            return Optional.of(call("POST", "/subjects/" + encode(subject), schemaBody(schema)));
        } catch (SchemaNotFoundException notRegistered) {
            return Optional.empty();
        }
    }

    @Override
    public Schema getSchemaById(int id) {
        return schemasById.computeIfAbsent(id, missing -> {
            JsonNode answer = call("GET", "/schemas/ids/" + missing, null);
            return new Schema.Parser().parse(answer.path("schema").asText());
        });
    }

    @Override
    public void forget(int id) {
        schemasById.remove(id);
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return true; // no version yet: anything is compatible
            }
            throw e;
        }
    }

    @Override
    public List<String> getAllSubjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    private static String schemaBody(Schema schema) {
        try {
            return JSON.writeValueAsString(Map.of("schemaType", "AVRO", "schema", schema.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // connection refused, reset, or no answer within the timeout (HttpTimeoutException)
            throw new SchemaRegistryUnavailableException("Schema registry " + baseUrl + " unreachable: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("Interrupted calling schema registry " + baseUrl, 0, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String message = "Schema registry " + baseUrl + " answered " + status + " to " + method + " " + path + ": "
                    + response.body();
            if (status == 404) {
                throw new SchemaNotFoundException(message, errorCode(response.body()));
            }
            if (status >= 500) {
                throw new SchemaRegistryUnavailableException(message, status, null);
            }
            throw new SchemaRegistryException(message, status);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry " + baseUrl + " sent invalid JSON: " + response.body(),
                    status, e);
        }
    }

    private static int errorCode(String body) {
        try {
            return JSON.readTree(body).path("error_code").asInt(0);
        } catch (IOException notJson) {
            return 0;
        }
    }
}
