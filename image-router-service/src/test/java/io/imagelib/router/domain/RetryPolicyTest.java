package io.imagelib.router.domain;

import static io.imagelib.router.domain.RetryPolicy.Failure.LOST_AFTER_SEND;
import static io.imagelib.router.domain.RetryPolicy.Failure.REFUSED;
import static io.imagelib.router.domain.RetryPolicy.Failure.UNAVAILABLE;
import static io.imagelib.router.domain.RetryPolicy.mayRetry;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void a503IsTheHostFailingForEveryRequestAndAny5xxForAReadOnly() {
        for (ImageOperation op : ImageOperation.values()) {
            assertThat(RetryPolicy.hostFailed(op, 503)).as(op.name()).isTrue();
            assertThat(RetryPolicy.hostFailed(op, 500)).as(op.name()).isEqualTo(op.isRead());
            assertThat(RetryPolicy.hostFailed(op, 504)).as(op.name()).isEqualTo(op.isRead());
            assertThat(RetryPolicy.hostFailed(op, 404)).as(op.name()).isFalse();
            assertThat(RetryPolicy.hostFailed(op, 200)).as(op.name()).isFalse();
        }
    }

    @Test
    void aRefusedConnectionNeverReachedGlanceSoAnythingReplayableGoesOn() {
        for (ImageOperation op : ImageOperation.values()) {
            assertThat(mayRetry(op, REFUSED, true, false)).as(op.name()).isTrue();
        }
    }

    @Test
    void readsAreRetriedWhateverHappened() {
        assertThat(mayRetry(ImageOperation.READ, LOST_AFTER_SEND, true, false)).isTrue();
        assertThat(mayRetry(ImageOperation.DOWNLOAD, UNAVAILABLE, true, false)).isTrue();
    }

    @Test
    void aCreateThatMayHaveReachedGlanceIsReplayedOnlyWithAClientId() {
        assertThat(mayRetry(ImageOperation.CREATE, LOST_AFTER_SEND, true, true)).isTrue();
        assertThat(mayRetry(ImageOperation.CREATE, UNAVAILABLE, true, true)).isTrue();
        assertThat(mayRetry(ImageOperation.CREATE, LOST_AFTER_SEND, true, false)).isFalse();
        assertThat(mayRetry(ImageOperation.CREATE, UNAVAILABLE, true, false)).isFalse();
    }

    @Test
    void otherWritesGoOnAfterA503ButNotAfterALostConnection() {
        assertThat(mayRetry(ImageOperation.WRITE, UNAVAILABLE, true, false)).isTrue();
        assertThat(mayRetry(ImageOperation.WRITE, LOST_AFTER_SEND, true, false)).isFalse();
        assertThat(mayRetry(ImageOperation.UPLOAD, LOST_AFTER_SEND, true, false)).isFalse();
    }

    @Test
    void aStreamedBodyAlreadyConsumedCannotBeSentAgain() {
        assertThat(mayRetry(ImageOperation.UPLOAD, REFUSED, false, false)).isFalse();
        assertThat(mayRetry(ImageOperation.UPLOAD, UNAVAILABLE, false, false)).isFalse();
    }
}
