package io.imagelib.schemas.topics;

/** Kafka cleanup.policy values the catalogue uses. */
public enum CleanupPolicy {
    /** State topics: the latest record per key is the truth; consumers rebuild from offset 0. */
    COMPACT("compact"),
    /** Event and command topics: kept for the retention period. */
    DELETE("delete");

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }
}
