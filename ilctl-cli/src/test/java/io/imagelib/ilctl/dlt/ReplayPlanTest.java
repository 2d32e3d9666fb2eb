package io.imagelib.ilctl.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.ilctl.dlt.ParkedRecord.Header;
import io.imagelib.ilctl.dlt.ReplayPlan.Action;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    @Test
    void partitionAndOffsetHeadersAreReadAsOurDecimalTextAndAsSpringsBinary() {
        ParkedRecord ours = parked(0, 0, "h1", 7, 1234L, true);
        ParkedRecord springs = parked(0, 1, "h1", 7, 1234L, false);
        assertThat(ours.originalPartition()).hasValue(7);
        assertThat(ours.originalOffset()).hasValue(1234L);
        assertThat(springs.originalPartition()).hasValue(7);
        assertThat(springs.originalOffset()).hasValue(1234L);
        assertThat(ours.exceptionClass()).contains("org.apache.kafka.common.errors.SerializationException");
        assertThat(ours.parkedBy()).contains("image-router-service/r1");
    }

    @Test
    void aReplayCarriesTheRecordsOwnHeadersButNotTheDeadLetterOnes() {
        assertThat(parked(0, 0, "h1", 0, 0, true).originalHeaders()).extracting(Header::name).containsExactly("traceparent");
    }

    @Test
    void anUndecodableValueShowsItsSizeAndFirstBytes() {
        assertThat(parked(0, 0, "h1", 0, 0, true).valueSummary()).isEqualTo("20 bytes: 00000000630000010203040506070809...");
    }

    @Test
    void recordsBeforeTheCommittedOffsetWereReplayedAndOnlyNewerOnesAreSent() {
        List<ParkedRecord> parked = List.of(parked(0, 0, "h1", 0, 5, true), parked(0, 1, "h2", 0, 6, true),
                parked(1, 0, "h3", 1, 2, true));
        assertThat(ReplayPlan.plan(parked, Map.of(0, 1L), Optional.empty())).extracting(ReplayPlan.Step::action)
                .containsExactly(Action.ALREADY_REPLAYED, Action.SEND, Action.SEND);
        assertThat(ReplayPlan.plan(parked, Map.of(0, 2L, 1, 1L), Optional.empty())).extracting(ReplayPlan.Step::action)
                .containsOnly(Action.ALREADY_REPLAYED);
    }

    @Test
    void onACompactedTopicARecordWhoseKeyHasANewerOneIsSupersededNotSent() {
        List<ParkedRecord> parked = List.of(parked(0, 0, "h1", 3, 5, true), parked(0, 1, "h2", 3, 6, true));
        // h1 was written again at offset 9 of partition 3; h2's newest record is the parked one itself.
        var newest = Optional.of(Map.of(3, Map.of("h1", 9L, "h2", 6L)));
        assertThat(ReplayPlan.plan(parked, Map.of(), newest)).extracting(ReplayPlan.Step::action)
                .containsExactly(Action.SUPERSEDED, Action.SEND);
        assertThat(ReplayPlan.plan(parked, Map.of(), Optional.empty())).extracting(ReplayPlan.Step::action)
                .as("events (delete policy) are never superseded").containsOnly(Action.SEND);
    }

    static ParkedRecord parked(int partition, long offset, String key, int originalPartition, long originalOffset, boolean textHeaders) {
        byte[] value = new byte[20];
        value[4] = 99;
        for (int i = 6; i < value.length; i++) {
            value[i] = (byte) (i - 6);
        }
        return new ParkedRecord(partition, offset, Instant.parse("2026-12-06T06:00:00Z"), key.getBytes(StandardCharsets.UTF_8), value,
                List.of(new Header("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8)),
                        text(ParkedRecord.ORIGINAL_TOPIC, "imagelib.host-health"),
                        textHeaders ? text(ParkedRecord.ORIGINAL_PARTITION, Integer.toString(originalPartition))
                                : new Header(ParkedRecord.ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(originalPartition).array()),
                        textHeaders ? text(ParkedRecord.ORIGINAL_OFFSET, Long.toString(originalOffset))
                                : new Header(ParkedRecord.ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(originalOffset).array()),
                        text(ParkedRecord.EXCEPTION_CLASS, "org.apache.kafka.common.errors.SerializationException"),
                        text(ParkedRecord.EXCEPTION_MESSAGE, "Unknown magic byte!"),
                        text(ParkedRecord.PARKED_BY, "image-router-service/r1")));
    }

    private static Header text(String name, String value) {
        return new Header(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
