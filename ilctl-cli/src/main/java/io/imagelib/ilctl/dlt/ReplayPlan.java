package io.imagelib.ilctl.dlt;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a replay does with each parked record, decided from facts only: where the replay group stopped last time and,
 * for a compacted (state) topic, the newest offset of each key on the original topic.
 */
public final class ReplayPlan {

    /** What happens to one parked record. */
    public enum Action {
        /** Sent back to its original topic. */
        SEND,
        /** A compacted topic holds a newer record of the same key: sending the old one would overwrite today's state with it. */
        SUPERSEDED,
        /** Before the replay group's committed offset: an earlier replay sent it. */
        ALREADY_REPLAYED
    }

    public record Step(ParkedRecord record, Action action) {
    }

    private ReplayPlan() {
    }

    /**
     * @param parked           the DLT's records, every partition
     * @param committed        the replay group's committed offset per DLT partition (absent: never replayed)
     * @param newestOffsetByKey for a compacted original topic: per original partition, the newest offset of each key;
     *                          empty for a delete-policy topic (events are not superseded)
     */
    public static List<Step> plan(List<ParkedRecord> parked, Map<Integer, Long> committed,
                                  Optional<Map<Integer, Map<String, Long>>> newestOffsetByKey) {
        return parked.stream().map(record -> new Step(record, action(record, committed, newestOffsetByKey))).toList();
    }

    private static Action action(ParkedRecord record, Map<Integer, Long> committed,
                                 Optional<Map<Integer, Map<String, Long>>> newestOffsetByKey) {
        if (record.offset() < committed.getOrDefault(record.partition(), 0L)) {
            return Action.ALREADY_REPLAYED;
        }
        boolean superseded = newestOffsetByKey.isPresent() && record.keyText().isPresent()
                && record.originalPartition().isPresent() && record.originalOffset().isPresent()
                && newestOffsetByKey.get().getOrDefault(record.originalPartition().getAsInt(), Map.of())
                        .getOrDefault(record.keyText().get(), -1L) > record.originalOffset().getAsLong();
        return superseded ? Action.SUPERSEDED : Action.SEND;
    }
}
