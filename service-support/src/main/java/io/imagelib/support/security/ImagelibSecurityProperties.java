package io.imagelib.support.security;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer tokens for the REST APIs.
 *
 * @param tokens     tokens given in configuration (use environment variables or a secrets file, never the repo)
 * @param tokensFile optional file, one token a line: {@code <token> <principal> <role>[,<role>...]}; # comments
 * @param openReads  GET and HEAD need no token when true
 */
@ConfigurationProperties("imagelib.security")
public record ImagelibSecurityProperties(
        @DefaultValue List<Token> tokens,
        Path tokensFile,
        @DefaultValue("true") boolean openReads) {

    /** @param roles e.g. {@code admin} (may mutate) or {@code reader} */
    public record Token(String token, String principal, @DefaultValue List<String> roles) {
        @Override
        public String toString() {
            return "Token[principal=" + principal + ", roles=" + roles + "]"; // never print the secret
        }
    }
}
