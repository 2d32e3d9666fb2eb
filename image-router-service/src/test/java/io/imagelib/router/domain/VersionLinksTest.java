package io.imagelib.router.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.router.domain.VersionLinks.Arrival;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VersionLinksTest {

    private static final String GLANCE_SELF = "http://10.203.0.11:9292/v2/";

    private static VersionLinks links(String hostHeader, String localAddress, int localPort) {
        return VersionLinks.of(Optional.empty(), Set.of(), new Arrival("http", hostHeader, localAddress, localPort), "");
    }

    @Test
    void aHostsSelfLinkNamesTheRouterAsTheClientAddressedIt() {
        assertThat(links("127.0.0.1:9292", "127.0.0.1", 9292).rewrite(GLANCE_SELF)).contains("http://127.0.0.1:9292/v2/");
    }

    @Test
    void theRegionPrefixTheClientUsedIsKept() {
        VersionLinks links = VersionLinks.of(Optional.empty(), Set.of(), new Arrival("http", "10.0.0.5:9292", "10.0.0.5", 9292),
                "/regions/sjc");
        assertThat(links.rewrite(GLANCE_SELF)).contains("http://10.0.0.5:9292/regions/sjc/v2/");
    }

    @Test
    void anIpv6HostIsKeptInBrackets() {
        assertThat(links("[::1]:9292", "0:0:0:0:0:0:0:1", 9292).rewrite(GLANCE_SELF)).contains("http://[::1]:9292/v2/");
        assertThat(links("[FD00::5]:9292", "fd00:0:0:0:0:0:0:5", 9292).rewrite(GLANCE_SELF)).contains("http://[fd00::5]:9292/v2/");
    }

    @Test
    void aForgedHostIsIgnoredForTheAddressTheConnectionArrivedOn() {
        assertThat(links("evil.example:9292", "127.0.0.1", 9292).rewrite(GLANCE_SELF)).contains("http://127.0.0.1:9292/v2/");
        assertThat(links("169.254.169.254", "127.0.0.1", 9292).rewrite(GLANCE_SELF)).contains("http://127.0.0.1:9292/v2/");
        assertThat(links("127.0.0.1:6666", "127.0.0.1", 9292).rewrite(GLANCE_SELF)).as("another port of this address")
                .contains("http://127.0.0.1:9292/v2/");
        assertThat(links("[::2]:9292", "0:0:0:0:0:0:0:1", 9292).rewrite(GLANCE_SELF)).contains("http://[0:0:0:0:0:0:0:1]:9292/v2/");
    }

    @Test
    void aHostHeaderThatIsNoAuthorityIsIgnored() {
        for (String forged : new String[] {"evil.example/x", "user@evil.example", "evil.example:9292#", "a b", "",
                "127.0.0.1:99999", "[1.2.3.4]:9292", "127.0.0.1:9292\r\nX: y", "999.0.0.1:9292"}) {
            assertThat(links(forged, "127.0.0.1", 9292).rewrite(GLANCE_SELF)).as(forged).contains("http://127.0.0.1:9292/v2/");
        }
        assertThat(links(null, "127.0.0.1", 9292).rewrite(GLANCE_SELF)).contains("http://127.0.0.1:9292/v2/");
    }

    @Test
    void aConfiguredPublicHostNameIsReflectedWithThePortTheClientUsed() {
        VersionLinks links = VersionLinks.of(Optional.empty(), Set.of("image.example.com"),
                new Arrival("https", "Image.Example.com", "10.0.0.5", 9292), "");
        assertThat(links.rewrite(GLANCE_SELF)).contains("https://image.example.com/v2/");
        assertThat(VersionLinks.of(Optional.empty(), Set.of("image.example.com"), new Arrival("http", "image.example.com:8080",
                "10.0.0.5", 9292), "").rewrite(GLANCE_SELF)).contains("http://image.example.com:8080/v2/");
    }

    @Test
    void localhostIsTheRouterOnlyOnALoopbackConnection() {
        assertThat(links("localhost:9292", "127.0.0.1", 9292).rewrite(GLANCE_SELF)).contains("http://localhost:9292/v2/");
        assertThat(links("localhost:9292", "10.0.0.5", 9292).rewrite(GLANCE_SELF)).contains("http://10.0.0.5:9292/v2/");
    }

    @Test
    void aConfiguredPublicUrlWinsOverEverythingTheRequestSays() {
        VersionLinks links = VersionLinks.of(Optional.of(URI.create("https://cloud.example.com/image/")), Set.of(),
                new Arrival("http", "127.0.0.1:9292", "127.0.0.1", 9292), "/regions/sjc");
        assertThat(links.rewrite(GLANCE_SELF)).contains("https://cloud.example.com/image/regions/sjc/v2/");
    }

    @Test
    void theApiPathIsTakenFromTheVersionSegmentWhateverTheHostsBase() {
        VersionLinks links = links("127.0.0.1:9292", "127.0.0.1", 9292);
        assertThat(links.rewrite("http://10.0.0.5/image/v2/")).contains("http://127.0.0.1:9292/v2/");
        assertThat(links.rewrite("https://lb.example.com:13292/v2.15")).contains("http://127.0.0.1:9292/v2.15");
        assertThat(links.rewrite("http://10.0.0.5:9292/v2/images")).contains("http://127.0.0.1:9292/v2/images");
    }

    @Test
    void aLinkThatNamesNoVersionIsLeftOut() {
        VersionLinks links = links("127.0.0.1:9292", "127.0.0.1", 9292);
        assertThat(links.rewrite("http://10.0.0.5:9292/")).isEmpty();
        assertThat(links.rewrite("http://10.0.0.5:9292/healthcheck")).isEmpty();
        assertThat(links.rewrite("http://10.0.0.5:9292/volumes/v3x")).isEmpty();
        assertThat(links.rewrite("not a uri")).isEmpty();
    }

    @Test
    void versionRequestsAreTheRootAndVersionsWithOrWithoutARegionPrefix() {
        assertThat(VersionRequest.of("/")).contains(new VersionRequest("", false));
        assertThat(VersionRequest.of("/versions")).contains(new VersionRequest("", true));
        assertThat(VersionRequest.of("/versions/")).contains(new VersionRequest("", true));
        assertThat(VersionRequest.of("/regions/sjc")).contains(new VersionRequest("/regions/sjc", false));
        assertThat(VersionRequest.of("/regions/sjc/")).contains(new VersionRequest("/regions/sjc", false));
        assertThat(VersionRequest.of("/regions/sjc/versions")).contains(new VersionRequest("/regions/sjc", true));
        assertThat(VersionRequest.of("/regions/sjc/versions").orElseThrow().status()).isEqualTo(200);
        assertThat(VersionRequest.of("/").orElseThrow().status()).isEqualTo(300);
        for (String other : new String[] {"", "//", "/v2", "/v2/", "/regions/sjc/v2/images", "/versions/x", "/regions//versions",
                "/actuator/health"}) {
            assertThat(VersionRequest.of(other)).as(other).isEmpty();
        }
    }
}
