package io.imagelib.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Turns a configured registry URL into a client, sharing one cached client per URL inside a JVM. */
public final class SchemaRegistries {

    /** Kafka client property naming the registry, as with Confluent's serdes. */
    public static final String URL_CONFIG = "schema.registry.url";
    /** Whether serializers register schemas they have not seen (true for our services; false in locked-down prod). */
    public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";

    private static final Map<String, SchemaRegistry> CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistries() {
    }

    /** {@code mock://scope} gives the in-memory registry of that scope; http(s) URLs the REST client. */
    public static SchemaRegistry forUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Missing " + URL_CONFIG
                    + ": set it to the registry's Confluent-compatible base URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7");
        }
        if (url.startsWith(InMemorySchemaRegistry.URL_SCHEME)) {
            return InMemorySchemaRegistry.scope(url);
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException(URL_CONFIG + " must be an http(s) or mock:// URL, got: " + url);
        }
        return CLIENTS.computeIfAbsent(url, RestSchemaRegistry::new);
    }
}
