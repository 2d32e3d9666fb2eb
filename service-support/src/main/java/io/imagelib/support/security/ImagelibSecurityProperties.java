package io.imagelib.support.security;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer tokens for the REST APIs.
 *
 * @param tokens     tokens given in configuration (use environment variables or a secrets file, never the repo)
 * @param tokensFile optional file, one token a line: {@code <token> <principal> <role>[,<role>...]}; # comments
 * @param openReads  GET and HEAD need no token when true
 * @param keystone   optional validation of OpenStack users' Keystone tokens (off while {@code keystone.url} is unset)
 */
@ConfigurationProperties("imagelib.security")
public record ImagelibSecurityProperties(
        @DefaultValue List<Token> tokens,
        Path tokensFile,
        @DefaultValue("true") boolean openReads,
        @DefaultValue Keystone keystone) {

    /** @param roles e.g. {@code admin} (may mutate) or {@code reader} */
    public record Token(String token, String principal, @DefaultValue List<String> roles) {
        @Override
        public String toString() {
            return "Token[principal=" + principal + ", roles=" + roles + "]"; // never print the secret
        }
    }

    /**
     * @param url              Keystone's base URL, e.g. {@code http://keystone:5000}; unset = no Keystone tokens
     * @param adminRoles       Keystone role names that grant our {@code admin} role (others get {@code reader})
     * @param timeout          one validation call
     * @param cacheTtl         how long a valid token is trusted without asking again (never beyond its expiry)
     * @param negativeCacheTtl how long a refused token stays refused without asking again
     * @param cacheSize        entries above which expired ones are swept
     */
    public record Keystone(
            URI url,
            @DefaultValue("admin") List<String> adminRoles,
            @DefaultValue("2s") Duration timeout,
            @DefaultValue("60s") Duration cacheTtl,
            @DefaultValue("10s") Duration negativeCacheTtl,
            @DefaultValue("10000") int cacheSize) {

        public boolean enabled() {
            return url != null;
        }
    }
}
