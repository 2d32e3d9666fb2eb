package io.imagelib.endpoint.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Why a manual set was refused, in words the requester can act on. */
public record Refusal(Code code, String message) {

    /** Every reason the election refuses a command; its slug travels on the wire and is the problem type. */
    public enum Code {
        /** The region has no image-library host at all. */
        UNKNOWN_REGION("Region has no image-library host"),
        /** Neither the host id nor the URL names a registered host of the region. */
        UNKNOWN_HOST("URL names no image-library host of the region"),
        /** The host exists but is not UP (DOWN, DRAINING or not probed yet). */
        HOST_NOT_HEALTHY("Admin host must be UP"),
        /** The command's type is not one the election carries out (only SET_ADMIN is). */
        UNSUPPORTED_COMMAND("Command type not supported");

        private final String title;

        Code(String title) {
            this.title = title;
        }

        /** Stable kebab-case name, used on the wire and as the problem type. */
        public String slug() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The rule broken, in a few words (the problem's title). */
        public String title() {
            return title;
        }

        public static Optional<Code> fromSlug(String slug) {
            return Arrays.stream(values()).filter(code -> code.slug().equals(slug)).findFirst();
        }
    }
}
