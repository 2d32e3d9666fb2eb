package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterruptedUploadTest {

    /** Every status Glance 25 gives an image, plus "(none)" when no other host answered, created here or not. */
    @ParameterizedTest(name = "{0}, created here {1} -> {2}")
    @CsvSource({
            "saving,         true,  REMOVE",
            "saving,         false, LEAVE",
            "queued,         true,  REMOVE",
            "queued,         false, UPLOAD_AGAIN",
            "active,         true,  COMPLETED",
            "active,         false, COMPLETED",
            "killed,         true,  LEAVE",
            "killed,         false, LEAVE",
            "deleted,        true,  LEAVE",
            "pending_delete, true,  LEAVE",
            "deactivated,    true,  LEAVE",
            "uploading,      true,  LEAVE",
            "importing,      true,  LEAVE",
            "(none),         true,  LEAVE",
            "(none),         false, LEAVE"
    })
    void theImageStateAndItsCreatorDecide(String status, boolean createdHere, InterruptedUpload.Action expected) {
        Optional<String> seen = status.equals("(none)") ? Optional.empty() : Optional.of(status);
        assertThat(InterruptedUpload.decide(seen, createdHere)).isEqualTo(expected);
    }
}
