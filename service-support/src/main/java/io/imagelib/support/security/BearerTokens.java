package io.imagelib.support.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The known tokens, held only as SHA-256 digests and compared in constant time, so neither a heap dump nor a
 * timing probe gives a token away.
 */
public final class BearerTokens {

    /** Who a token belongs to. */
    public record Principal(String name, List<String> roles) {
    }

    private final Map<String, Principal> principalsByDigest;

    private BearerTokens(Map<String, Principal> principalsByDigest) {
        this.principalsByDigest = Map.copyOf(principalsByDigest);
    }

    public static BearerTokens from(ImagelibSecurityProperties properties) {
        List<ImagelibSecurityProperties.Token> all = new ArrayList<>(properties.tokens());
        if (properties.tokensFile() != null) {
            all.addAll(readFile(properties));
        }
        return new BearerTokens(all.stream().filter(t -> t.token() != null && !t.token().isBlank()).collect(
                Collectors.toMap(t -> digest(t.token()), t -> new Principal(t.principal(), List.copyOf(t.roles())),
                        (a, b) -> a)));
    }

    public boolean isEmpty() {
        return principalsByDigest.isEmpty();
    }

    public Optional<Principal> lookup(String token) {
        byte[] presented = HexFormat.of().parseHex(digest(token));
        Principal match = null;
        for (Map.Entry<String, Principal> known : principalsByDigest.entrySet()) {
            if (MessageDigest.isEqual(HexFormat.of().parseHex(known.getKey()), presented)) {
                match = known.getValue();
            }
        }
        return Optional.ofNullable(match);
    }

    private static List<ImagelibSecurityProperties.Token> readFile(ImagelibSecurityProperties properties) {
        try {
            return Files.readAllLines(properties.tokensFile(), StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.split("\\s+"))
                    .filter(parts -> parts.length >= 2)
                    .map(parts -> new ImagelibSecurityProperties.Token(parts[0], parts[1],
                            parts.length > 2 ? Arrays.asList(parts[2].split(",")) : List.of()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read imagelib.security.tokens-file " + properties.tokensFile(), e);
        }
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
