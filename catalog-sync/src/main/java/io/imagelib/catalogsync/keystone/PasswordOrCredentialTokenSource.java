package io.imagelib.catalogsync.keystone;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Issues tokens with {@code POST /v3/auth/tokens} (password of a service user, or an application credential) and
 * caches one until shortly before it expires or until Keystone rejects it.
 */
public final class PasswordOrCredentialTokenSource implements TokenSource {

    private final KeystoneHttp http;
    private final Map<String, Object> authRequest;
    private final Duration renewBefore;
    private final Clock clock;
    private Issued cached;

    private record Issued(String token, Instant expiresAt) {
    }

    private PasswordOrCredentialTokenSource(KeystoneHttp http, Map<String, Object> authRequest, Duration renewBefore,
                                            Clock clock) {
        this.http = http;
        this.authRequest = authRequest;
        this.renewBefore = renewBefore;
        this.clock = clock;
    }

    /**
     * A service user's password. {@code projectName} null asks for a system-scoped token (Keystone's own policy
     * for endpoint updates is "admin on system scope"); otherwise the token is scoped to that project.
     */
    public static PasswordOrCredentialTokenSource password(KeystoneHttp http, String user, String userDomain,
                                                           String password, String projectName, String projectDomain,
                                                           Duration renewBefore, Clock clock) {
        var identity = Map.of("methods", List.of("password"),
                "password", Map.of("user", Map.of("name", user, "domain", Map.of("name", userDomain),
                        "password", password)));
        Map<String, Object> scope = projectName == null
                ? Map.of("system", Map.of("all", true))
                : Map.of("project", Map.of("name", projectName, "domain", Map.of("name", projectDomain)));
        return new PasswordOrCredentialTokenSource(http,
                Map.of("auth", Map.of("identity", identity, "scope", scope)), renewBefore, clock);
    }

    /** An application credential (its scope was fixed when it was created). */
    public static PasswordOrCredentialTokenSource applicationCredential(KeystoneHttp http, String id, String secret,
                                                                        Duration renewBefore, Clock clock) {
        var identity = Map.of("methods", List.of("application_credential"),
                "application_credential", Map.of("id", id, "secret", secret));
        return new PasswordOrCredentialTokenSource(http, Map.of("auth", Map.of("identity", identity)),
                renewBefore, clock);
    }

    @Override
    public synchronized String token() {
        if (cached == null || !clock.instant().isBefore(cached.expiresAt().minus(renewBefore))) {
            cached = issue();
        }
        return cached.token();
    }

    @Override
    public synchronized void rejected(String token) {
        if (cached != null && cached.token().equals(token)) {
            cached = null;
        }
    }

    private Issued issue() {
        String what = "POST /v3/auth/tokens";
        var response = http.send(http.request("v3/auth/tokens")
                .header("Content-Type", "application/json")
                .POST(KeystoneHttp.json(authRequest)).build(), what);
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw KeystoneException.forStatus(response.statusCode(), what);
        }
        String token = response.headers().firstValue("X-Subject-Token")
                .orElseThrow(() -> new KeystoneException("bad-response", what + " returned no X-Subject-Token"));
        String expiresAt = KeystoneHttp.parse(response, what).path("token").path("expires_at").asString("");
        return new Issued(token, expiry(expiresAt));
    }

    /** A token without a readable expiry is used until Keystone rejects it. */
    private static Instant expiry(String expiresAt) {
        try {
            return Instant.parse(expiresAt);
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }
}
