package io.imagelib.systemtests;

import io.imagelib.schemas.registry.RestSchemaRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The schemas a registry holds, with their ids, and registering them again on an empty registry in a chosen order:
 * in reverse, they get each other's ids (the registry-storage-lost case); in the original order, the old ids back.
 */
public final class RegistrySchemas {

    /** One subject's latest schema and the id the registry gave it. */
    public record Registered(String subject, int id, Schema schema) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RegistrySchemas() {
    }

    /** Every subject's latest schema, lowest id first (the order they were registered in). */
    public static List<Registered> read(String ccompatUrl) {
        RestSchemaRegistry registry = new RestSchemaRegistry(ccompatUrl);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return registry.getAllSubjects().stream().map(subject -> {
            try {
                String latest = http.send(HttpRequest.newBuilder(URI.create(ccompatUrl + "/subjects/"
                                + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions/latest"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                JsonNode node = JSON.readTree(latest);
                return new Registered(subject, node.get("id").asInt(), new Schema.Parser().parse(node.get("schema").asString()));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read subject " + subject + " from " + ccompatUrl, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }).sorted(Comparator.comparingInt(Registered::id)).toList();
    }

    /** Registers {@code schemas} in the order given; returns them with the ids this registry gave them. */
    public static List<Registered> register(String ccompatUrl, List<Registered> schemas) {
        RestSchemaRegistry registry = new RestSchemaRegistry(ccompatUrl);
        return schemas.stream().map(s -> new Registered(s.subject(), registry.register(s.subject(), s.schema()), s.schema())).toList();
    }
}
