package io.imagelib.ilctl.command;

import io.imagelib.ilctl.http.ServiceClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the services listen and the bearer token for changes. Options win over the ILCTL_* environment, which wins
 * over the local defaults; without a token, the one {@code ilctl up} wrote into the state directory is used.
 */
public final class ServiceOptions {

    @Option(names = "--role-url", paramLabel = "URL", defaultValue = "${env:ILCTL_ROLE_URL:-http://127.0.0.1:8090}",
            description = "role-service base URL, or several replicas' URLs comma-separated, tried in turn on no answer "
                    + "or 503 (env ILCTL_ROLE_URL; default ${DEFAULT-VALUE}).")
    String roleUrl;

    @Option(names = "--endpoint-url", paramLabel = "URL", defaultValue = "${env:ILCTL_ENDPOINT_URL:-http://127.0.0.1:8091}",
            description = "endpoint-service base URL (env ILCTL_ENDPOINT_URL; default ${DEFAULT-VALUE}).")
    String endpointUrl;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:ILCTL_TOKEN}",
            description = "Bearer token for changes (env ILCTL_TOKEN; default: the token file 'ilctl up' wrote in --dir).")
    String token;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${env:ILCTL_DIR:-.imagelib}",
            description = "Local stack state directory, read for its token file (env ILCTL_DIR; default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--http-timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "Timeout of one HTTP request, e.g. 500ms, 15s (default ${DEFAULT-VALUE}).")
    Duration httpTimeout;

    public ServiceClient roleService() {
        return new ServiceClient("role-service", roleUrl, token(), httpTimeout);
    }

    public ServiceClient endpointService() {
        return new ServiceClient("endpoint-service", endpointUrl, token(), httpTimeout);
    }

    private Optional<String> token() {
        if (token != null && !token.isBlank()) {
            return Optional.of(token);
        }
        Path file = dir.resolve("token");
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the token file " + file, e);
        }
    }
}
