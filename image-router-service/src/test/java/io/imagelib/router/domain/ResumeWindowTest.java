package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResumeWindowTest {

    @Test
    void aFullDownloadResumesFromTheByteReached() {
        ResumeWindow window = ResumeWindow.of(200, OptionalLong.of(1000), null).orElseThrow();
        assertThat(window.rangeAfter(400)).isEqualTo("bytes=400-999");
        assertThat(window.resumedBy(206, "bytes 400-999/1000", 400)).isTrue();
    }

    @Test
    void aRangedDownloadResumesInsideTheClientsRange() {
        ResumeWindow window = ResumeWindow.of(206, OptionalLong.of(100), "bytes 500-599/1000").orElseThrow();
        assertThat(window.length()).isEqualTo(100);
        assertThat(window.rangeAfter(30)).isEqualTo("bytes=530-599");
        assertThat(window.resumedBy(206, "bytes 530-599/1000", 30)).isTrue();
    }

    @Test
    void anAnswerThatIsNotExactlyTheMissingSpanIsNotUsed() {
        ResumeWindow window = ResumeWindow.of(200, OptionalLong.of(1000), null).orElseThrow();
        assertThat(window.resumedBy(200, null, 400)).as("whole image again").isFalse();
        assertThat(window.resumedBy(206, "bytes 401-999/1000", 400)).as("off by one").isFalse();
        assertThat(window.resumedBy(206, "bytes 400-999/2000", 400)).as("another size, another image").isFalse();
        assertThat(window.resumedBy(206, "bytes 400-998/1000", 400)).as("short").isFalse();
        assertThat(window.resumedBy(206, "garbage", 400)).isFalse();
    }

    @Test
    void responsesWithoutAKnownSpanAreNotResumable() {
        assertThat(ResumeWindow.of(200, OptionalLong.empty(), null)).isEmpty();
        assertThat(ResumeWindow.of(204, OptionalLong.of(0), null)).isEmpty();
        assertThat(ResumeWindow.of(206, OptionalLong.of(10), null)).isEmpty();
        assertThat(ResumeWindow.of(404, OptionalLong.of(10), null)).isEmpty();
    }

    @Test
    void aResumedAnswerOfAnotherChecksumIsAnotherImage() {
        assertThat(ResumeWindow.sameChecksum("abc", "abc")).isTrue();
        assertThat(ResumeWindow.sameChecksum("abc", "abd")).isFalse();
        assertThat(ResumeWindow.sameChecksum(null, "abc")).as("the first answer said none").isTrue();
        assertThat(ResumeWindow.sameChecksum("abc", null)).as("the resumed answer says none").isTrue();
    }
}
