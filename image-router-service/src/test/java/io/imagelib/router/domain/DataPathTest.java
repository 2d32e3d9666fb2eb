package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataPathTest {

    @ParameterizedTest(name = "{0} length {1} chunked {2} tls {3} -> {4}")
    @CsvSource({
            "200, 1048576, false, false, SPLICE",
            "206, 10, false, false, SPLICE",
            "404, 0, false, false, SPLICE",
            "200, -1, true, false, COPY_CHUNKED",
            "200, 100, true, false, COPY_CHUNKED",    // chunked wins over a Content-Length (RFC 9112 6.3)
            "200, -1, false, false, COPY_UNTIL_CLOSE",
            "200, 100, false, true, COPY_TLS",
            "200, -1, true, true, COPY_TLS",
            "204, -1, false, false, NONE",
            "304, -1, false, true, NONE"})
    void aBodyIsSplicedOnlyWhenPlainAndFramedByItsLength(int status, long length, boolean chunked, boolean tls, DataPath expected) {
        assertThat(DataPath.of(status, length, chunked, tls)).isEqualTo(expected);
    }

    @Test
    void onlyTheCopyingPathsAreCounted() {
        assertThat(DataPath.SPLICE.copyReason()).isEmpty();
        assertThat(DataPath.NONE.copyReason()).isEmpty();
        assertThat(DataPath.COPY_TLS.copyReason()).hasValue("tls");
        assertThat(DataPath.COPY_CHUNKED.copyReason()).hasValue("chunked");
        assertThat(DataPath.COPY_UNTIL_CLOSE.copyReason()).hasValue("until-close");
    }
}
