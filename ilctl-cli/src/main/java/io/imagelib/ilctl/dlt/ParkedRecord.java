package io.imagelib.ilctl.dlt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One record on a {@code <topic>-dlt}, raw, with what its dead-letter headers say. Both parkers write the same header
 * names (Spring Kafka's {@code kafka_dlt-*}); Spring's recoverer writes partition and offset as big-endian binary,
 * our own {@code DeadLetterPublisher} as decimal text, so both are read.
 *
 * @param partition partition on the DLT
 * @param offset    offset on the DLT
 * @param headers   every header, in order, as the broker holds them
 */
public record ParkedRecord(int partition, long offset, Instant timestamp, byte[] key, byte[] value, List<Header> headers) {

    public static final String EXCEPTION_CLASS = "kafka_dlt-exception-fqcn";
    public static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    public static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    public static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    public static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    public static final String PARKED_BY = "imagelib_dlt_parked_by";
    /** Added to a replayed record: where it was parked, for whoever reads the original topic later. */
    public static final String REPLAYED_FROM = "imagelib_dlt_replayed_from";
    /** Bytes of an undecodable value shown in hex. */
    static final int HEX_HEAD = 16;

    public record Header(String name, byte[] value) {
    }

    public ParkedRecord {
        headers = List.copyOf(headers);
    }

    public Optional<String> keyText() {
        return Optional.ofNullable(key).map(k -> new String(k, StandardCharsets.UTF_8));
    }

    public Optional<String> exceptionClass() {
        return text(EXCEPTION_CLASS);
    }

    public Optional<String> exceptionMessage() {
        return text(EXCEPTION_MESSAGE);
    }

    public Optional<String> originalTopic() {
        return text(ORIGINAL_TOPIC);
    }

    public Optional<String> parkedBy() {
        return text(PARKED_BY);
    }

    public OptionalInt originalPartition() {
        return last(ORIGINAL_PARTITION).map(bytes -> OptionalInt.of((int) number(bytes, Integer.BYTES)))
                .orElse(OptionalInt.empty());
    }

    public OptionalLong originalOffset() {
        return last(ORIGINAL_OFFSET).map(bytes -> OptionalLong.of(number(bytes, Long.BYTES))).orElse(OptionalLong.empty());
    }

    /** The headers a replay carries to the original topic: the record's own, without the ones parking added. */
    public List<Header> originalHeaders() {
        return headers.stream().filter(h -> !h.name().startsWith("kafka_dlt-") && !h.name().startsWith("imagelib_dlt_")).toList();
    }

    /** For a value that does not decode: its size and first bytes, e.g. {@code 42 bytes: 00000000012a...}. */
    public String valueSummary() {
        if (value == null) {
            return "null (tombstone)";
        }
        int shown = Math.min(value.length, HEX_HEAD);
        return value.length + " bytes: " + HexFormat.of().formatHex(value, 0, shown) + (value.length > shown ? "..." : "");
    }

    /**
     * Decimal text, or big-endian binary of {@code width} bytes. Text is all ASCII digits; binary never is for a real
     * partition or offset (that would be above 808 million for a partition, 3.4e18 for an offset).
     */
    static long number(byte[] bytes, int width) {
        boolean text = bytes.length > 0;
        for (byte b : bytes) {
            text &= b >= '0' && b <= '9';
        }
        if (text) {
            return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
        }
        if (bytes.length != width) {
            throw new IllegalArgumentException("Neither decimal text nor " + width + " binary bytes: " + HexFormat.of().formatHex(bytes));
        }
        long number = 0;
        for (byte b : bytes) {
            number = (number << 8) | (b & 0xff);
        }
        return width == Integer.BYTES ? (int) number : number;
    }

    private Optional<String> text(String name) {
        return last(name).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** Spring appends on re-parking; the last header of a name is the newest. */
    private Optional<byte[]> last(String name) {
        return headers.stream().filter(h -> h.name().equals(name) && h.value() != null).reduce((a, b) -> b).map(Header::value);
    }
}
