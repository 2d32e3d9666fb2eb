package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyTargetTest {

    private static final String ID = "6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

    @Test
    void theRegionComesFromThePathPrefixThenTheHeaderThenTheDefault() {
        assertThat(ProxyTarget.parse("GET", "/regions/SJC/v2/images", null, null, "RegionOne").region()).isEqualTo("SJC");
        assertThat(ProxyTarget.parse("GET", "/v2/images", null, "LAX", "RegionOne").region()).isEqualTo("LAX");
        assertThat(ProxyTarget.parse("GET", "/v2/images", null, null, "RegionOne").region()).isEqualTo("RegionOne");
        assertThat(ProxyTarget.parse("GET", "/regions/SJC/v2/images", "limit=1", "SJC", "R").pathAndQuery())
                .isEqualTo("/v2/images?limit=1");
    }

    @Test
    void aPathAndHeaderThatDisagreeAreRefused() {
        assertThatThrownBy(() -> ProxyTarget.parse("GET", "/regions/SJC/v2/images", null, "LAX", "R"))
                .isInstanceOf(InvalidTarget.class).hasMessageContaining("SJC").hasMessageContaining("LAX");
    }

    @Test
    void operationsAreClassified() {
        assertThat(op("GET", "/v2/images")).isEqualTo(ImageOperation.READ);
        assertThat(op("GET", "/v2/images/" + ID)).isEqualTo(ImageOperation.READ);
        assertThat(op("GET", "/v2/images/" + ID + "/file")).isEqualTo(ImageOperation.DOWNLOAD);
        assertThat(op("HEAD", "/v2/images/" + ID + "/file")).isEqualTo(ImageOperation.DOWNLOAD);
        assertThat(op("POST", "/v2/images")).isEqualTo(ImageOperation.CREATE);
        assertThat(op("POST", "/v2/images/")).isEqualTo(ImageOperation.CREATE);
        assertThat(op("PUT", "/v2/images/" + ID + "/file")).isEqualTo(ImageOperation.UPLOAD);
        assertThat(op("PUT", "/v2/images/" + ID + "/stage")).isEqualTo(ImageOperation.STAGE);
        assertThat(op("POST", "/v2/images/" + ID + "/import")).isEqualTo(ImageOperation.IMPORT);
        assertThat(op("PATCH", "/v2/images/" + ID)).isEqualTo(ImageOperation.WRITE);
        assertThat(op("DELETE", "/v2/images/" + ID)).isEqualTo(ImageOperation.WRITE);
        assertThat(op("PUT", "/v2/images/" + ID + "/tags/x")).isEqualTo(ImageOperation.WRITE);
        assertThat(ProxyTarget.parse("GET", "/v2/images/" + ID, null, null, "R").imageId()).contains(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/images/../../admin", "/v2/images/./x", "/v2/images/%2e%2e/x", "/v2/images/%2E%2E/x",
            "/v2/images%2f..%2fx", "/v2/images/%2F", "/v2//images", "/v2/images/a\\b", "/v2/images/%00",
            "/v2/images/%252e%252e", "/v3/images", "/healthcheck", "/regions/SJC/healthcheck", "/regions/SJC",
            "/regions/../v2/images", "/v2/images/<script>", "/v2/images/a b"})
    void pathsThatCouldLeaveTheImageApiAreRefused(String path) {
        assertThatThrownBy(() -> ProxyTarget.parse("GET", path, null, null, "R")).isInstanceOf(InvalidTarget.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "SJC/../x", "a b", ""})
    void badRegionHeadersAreRefused(String header) {
        if (header.isEmpty()) {
            assertThat(ProxyTarget.parse("GET", "/v2/images", null, header, "R").region()).isEqualTo("R");
        } else {
            assertThatThrownBy(() -> ProxyTarget.parse("GET", "/v2/images", null, header, "R")).isInstanceOf(InvalidTarget.class);
        }
    }

    @Test
    void methodsOutsideTheApiAreRefused() {
        assertThatThrownBy(() -> ProxyTarget.parse("TRACE", "/v2/images", null, null, "R"))
                .isInstanceOf(InvalidTarget.class).extracting(e -> ((InvalidTarget) e).slug()).isEqualTo("method-not-allowed");
    }

    private static ImageOperation op(String method, String path) {
        return ProxyTarget.parse(method, path, null, null, "R").operation();
    }
}
