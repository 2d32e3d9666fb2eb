package io.imagelib.endpoint.domain;

/** Why a manual set was refused, in words the requester can act on. */
public record Refusal(Code code, String message) {

    public enum Code {
        /** The region has no image-library host at all. */
        UNKNOWN_REGION,
        /** Neither the host id nor the URL names a registered host of the region. */
        UNKNOWN_HOST,
        /** The host exists but is not UP (DOWN, DRAINING or not probed yet). */
        HOST_NOT_HEALTHY;

        /** Stable kebab-case name, used on the wire and as the problem type. */
        public String slug() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
