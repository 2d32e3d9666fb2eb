package io.imagelib.support.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts OpenStack users' Keystone tokens: {@code GET /v3/auth/tokens} with the presented token as both
 * {@code X-Auth-Token} and {@code X-Subject-Token}. Keystone's default policy lets a token's subject validate its
 * own token, so no service credential has to be stored here. A user with one of the configured Keystone roles
 * (default {@code admin}) gets our {@code admin} role; any other valid user gets {@code reader}.
 *
 * <p>Answers are cached by the token's SHA-256 (never the token): valid ones until the earlier of the token's expiry
 * and {@code cache-ttl}, refusals for {@code negative-cache-ttl} so that a client hammering with a bad token does not
 * hammer Keystone. When Keystone cannot be asked, the token is refused (fail closed) and not cached.
 */
public final class KeystoneTokenValidator {

    private static final Logger log = LoggerFactory.getLogger(KeystoneTokenValidator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Cached(Optional<BearerTokens.Principal> principal, Instant until) {
    }

    private final ImagelibSecurityProperties.Keystone config;
    private final HttpClient http;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public KeystoneTokenValidator(ImagelibSecurityProperties.Keystone config, HttpClient http, Clock clock,
                                  MeterRegistry meters) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.meters = meters;
    }

    public Optional<BearerTokens.Principal> validate(String token) {
        String key = BearerTokens.digest(token);
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.principal();
        }
        if (cache.size() > config.cacheSize()) {
            cache.entrySet().removeIf(e -> !now.isBefore(e.getValue().until()));
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokensUri())
                    .timeout(config.timeout())
                    .header("X-Auth-Token", token)
                    .header("X-Subject-Token", token)
                    .header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                var principal = principalOf(JSON.readTree(response.body()));
                Instant until = earliest(now.plus(config.cacheTtl()), principal.expiresAt());
                cache.put(key, new Cached(Optional.of(principal.principal()), until));
                count("valid");
                return Optional.of(principal.principal());
            }
            if (response.statusCode() == 401 || response.statusCode() == 403 || response.statusCode() == 404) {
                cache.put(key, new Cached(Optional.empty(), now.plus(config.negativeCacheTtl())));
                count("refused");
                return Optional.empty();
            }
            log.warn("Keystone answered {} validating a token at {}; refusing it", response.statusCode(), tokensUri());
        } catch (IOException e) {
            log.warn("Keystone unreachable at {} ({}); refusing the token", tokensUri(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        count("unavailable");
        return Optional.empty();
    }

    private record Validated(BearerTokens.Principal principal, Instant expiresAt) {
    }

    private Validated principalOf(JsonNode body) {
        JsonNode token = body.path("token");
        String user = token.path("user").path("name").asText("unknown");
        String domain = token.path("user").path("domain").path("name").asText("");
        List<String> roles = new ArrayList<>();
        roles.add("reader");
        for (JsonNode role : token.path("roles")) {
            if (config.adminRoles().contains(role.path("name").asText())) {
                roles.add(ImagelibSecurityAutoConfiguration.ADMIN_ROLE);
                break;
            }
        }
        Instant expires = token.hasNonNull("expires_at") ? Instant.parse(token.get("expires_at").asText()) : Instant.MAX;
        String name = "keystone:" + (domain.isEmpty() ? user : domain + "/" + user);
        return new Validated(new BearerTokens.Principal(name, List.copyOf(roles)), expires);
    }

    private URI tokensUri() {
        String base = config.url().toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "v3/auth/tokens");
    }

    private void count(String outcome) {
        meters.counter("imagelib.security.keystone.validations", "outcome", outcome).increment();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
