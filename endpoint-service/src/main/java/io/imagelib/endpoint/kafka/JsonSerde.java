package io.imagelib.endpoint.kafka;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for the service's private Streams data (state store, changelog, repartition topic). These are not contracts
 * between services, so they stay out of the Avro catalogue; JSON keeps the changelog readable when debugging.
 */
final class JsonSerde {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonSerde() {
    }

    static <T> Serde<T> of(Class<T> type) {
        Serializer<T> serializer = (topic, value) -> value == null ? null : MAPPER.writeValueAsBytes(value);
        Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : MAPPER.readValue(bytes, type);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
