package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterruptedUploadTest {

    /** The broken upload began 0.7 s into second 10; Glance's updated_at has whole seconds. */
    private static final Instant BEGAN = Instant.parse("2026-12-07T17:00:10.700Z");

    /**
     * Every status Glance 25 gives an image, plus "(none)" when no other host answered; created through this router
     * or not; and the image's updated_at relative to the upload's start: "(none)" when absent or unreadable, else the
     * updated_at itself (09 = within the clock allowance before the start's second, 08 = before it).
     */
    @ParameterizedTest(name = "{0}, created here {1}, updated at {2} -> {3}")
    @CsvSource({
            "saving,         true,  (none),               REMOVE",
            "saving,         true,  2026-12-07T17:00:08Z, REMOVE",
            "saving,         false, 2026-12-07T17:00:12Z, REMOVE",
            "saving,         false, 2026-12-07T17:00:10Z, REMOVE",
            "saving,         false, 2026-12-07T17:00:09Z, REMOVE",
            "saving,         false, 2026-12-07T17:00:08Z, LEAVE",
            "saving,         false, 2026-12-07T16:00:00Z, LEAVE",
            "saving,         false, (none),               LEAVE",
            "queued,         true,  (none),               REMOVE",
            "queued,         true,  2026-12-07T17:00:10Z, REMOVE",
            "queued,         false, 2026-12-07T17:00:10Z, UPLOAD_AGAIN",
            "queued,         false, 2026-12-07T16:00:00Z, UPLOAD_AGAIN",
            "queued,         false, (none),               UPLOAD_AGAIN",
            "active,         true,  2026-12-07T17:00:11Z, COMPLETED",
            "active,         false, 2026-12-07T17:00:11Z, COMPLETED",
            "active,         false, (none),               COMPLETED",
            "killed,         true,  2026-12-07T17:00:11Z, LEAVE",
            "killed,         false, 2026-12-07T17:00:11Z, LEAVE",
            "deleted,        true,  2026-12-07T17:00:11Z, LEAVE",
            "deleted,        false, 2026-12-07T17:00:11Z, LEAVE",
            "pending_delete, true,  2026-12-07T17:00:11Z, LEAVE",
            "pending_delete, false, 2026-12-07T17:00:11Z, LEAVE",
            "deactivated,    true,  2026-12-07T17:00:11Z, LEAVE",
            "deactivated,    false, 2026-12-07T17:00:11Z, LEAVE",
            "uploading,      true,  2026-12-07T17:00:11Z, LEAVE",
            "uploading,      false, 2026-12-07T17:00:11Z, LEAVE",
            "importing,      true,  2026-12-07T17:00:11Z, LEAVE",
            "importing,      false, 2026-12-07T17:00:11Z, LEAVE",
            "(none),         true,  (none),               LEAVE",
            "(none),         false, (none),               LEAVE"
    })
    void theImageStateItsCreatorAndWhenItLastChangedDecide(String status, boolean createdHere, String updatedAt,
                                                            InterruptedUpload.Action expected) {
        Optional<InterruptedUpload.Seen> seen = status.equals("(none)") ? Optional.empty()
                : Optional.of(new InterruptedUpload.Seen(status,
                        updatedAt.equals("(none)") ? Optional.empty() : Optional.of(Instant.parse(updatedAt))));
        assertThat(InterruptedUpload.decide(seen, createdHere, BEGAN)).isEqualTo(expected);
    }
}
