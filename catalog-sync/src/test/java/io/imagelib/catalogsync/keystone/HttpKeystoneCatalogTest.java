package io.imagelib.catalogsync.keystone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagelib.catalogsync.domain.CatalogEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP shell against the fake Keystone v3: the calls, token caching and renewal, and error mapping. */
class HttpKeystoneCatalogTest {

    private final FakeKeystone keystone = new FakeKeystone().start();
    private final String glance = keystone.addService("svc-glance", "image", "glance");
    private final String admin = keystone.addEndpoint(glance, "SJC", "admin", "https://10.0.0.1:9494");
    private final KeystoneHttp http = new KeystoneHttp(keystone.url(), Duration.ofSeconds(2));

    @AfterEach
    void stop() {
        keystone.stop();
    }

    private HttpKeystoneCatalog catalog(TokenSource tokens) {
        return new HttpKeystoneCatalog(http, tokens);
    }

    private TokenSource password(Clock clock) {
        return PasswordOrCredentialTokenSource.password(http, FakeKeystone.USER, "Default", FakeKeystone.PASSWORD,
                "service", "Default", Duration.ofMinutes(5), clock);
    }

    @Test
    void listsFiltersAndPatchesWithOneCachedToken() {
        keystone.addService("svc-other", "compute", "nova");
        keystone.addEndpoint(glance, "SJC", "public", "http://10.0.0.1:9292");
        keystone.addEndpoint(glance, "DFW", "admin", "https://10.1.0.1:9494");
        var catalog = catalog(password(Clock.systemUTC()));

        assertThat(catalog.serviceId("image", "glance")).isEqualTo("svc-glance");
        assertThat(catalog.endpoints(glance, "admin", "SJC"))
                .containsExactly(new CatalogEndpoint(admin, "SJC", "admin", "https://10.0.0.1:9494"));
        catalog.setUrl(admin, "https://10.0.0.2:9494");

        assertThat(keystone.urlOf(admin)).isEqualTo("https://10.0.0.2:9494");
        assertThat(keystone.tokensIssued()).isEqualTo(1);
    }

    @Test
    void aRevokedTokenIsRenewedOnceOn401() {
        var catalog = catalog(password(Clock.systemUTC()));
        catalog.endpoints(glance, "admin", "SJC");
        keystone.revokeAllTokens();

        catalog.setUrl(admin, "https://10.0.0.3:9494");
        assertThat(keystone.urlOf(admin)).isEqualTo("https://10.0.0.3:9494");
        assertThat(keystone.tokensIssued()).isEqualTo(2);
    }

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItsExpiryThenRenewed() {
        var clock = new MovableClock(Instant.now());
        var tokens = password(clock); // the fake issues tokens valid for one hour
        String first = tokens.token();
        clock.advance(Duration.ofMinutes(54));
        assertThat(tokens.token()).isEqualTo(first);
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.token()).isNotEqualTo(first);
        assertThat(keystone.tokensIssued()).isEqualTo(2);
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void applicationCredentialsAndStaticTokensWork() {
        catalog(PasswordOrCredentialTokenSource.applicationCredential(http, "ac-1", FakeKeystone.PASSWORD,
                Duration.ofMinutes(5), Clock.systemUTC())).setUrl(admin, "https://10.0.0.4:9494");
        assertThat(keystone.urlOf(admin)).isEqualTo("https://10.0.0.4:9494");

        assertThatThrownBy(() -> catalog(new StaticTokenSource("forged")).setUrl(admin, "https://evil"))
                .isInstanceOf(KeystoneException.class)
                .satisfies(e -> assertThat(((KeystoneException) e).reason()).isEqualTo("unauthorized"));
        assertThat(keystone.urlOf(admin)).isEqualTo("https://10.0.0.4:9494");
    }

    @Test
    void wrongPasswordUnknownServiceAndOutageAreTypedFailures() {
        var wrong = PasswordOrCredentialTokenSource.password(http, FakeKeystone.USER, "Default", "nope", null,
                "Default", Duration.ofMinutes(5), Clock.systemUTC());
        assertThatThrownBy(() -> catalog(wrong).serviceId("image", "glance"))
                .satisfies(e -> assertThat(((KeystoneException) e).reason()).isEqualTo("unauthorized"));

        var catalog = catalog(password(Clock.systemUTC()));
        assertThatThrownBy(() -> catalog.serviceId("image", "glance-two"))
                .satisfies(e -> assertThat(((KeystoneException) e).reason()).isEqualTo("not-found"));
        assertThatThrownBy(() -> catalog.setUrl("no-such-endpoint", "https://x"))
                .satisfies(e -> assertThat(((KeystoneException) e).reason()).isEqualTo("not-found"));

        keystone.stop();
        assertThatThrownBy(() -> catalog.endpoints(glance, "admin", "SJC"))
                .satisfies(e -> assertThat(((KeystoneException) e).reason()).isEqualTo("unavailable"));
    }
}
