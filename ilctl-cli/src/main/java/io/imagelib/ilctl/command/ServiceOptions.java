package io.imagelib.ilctl.command;

import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.ilctl.http.ServiceClient;
import io.imagelib.ilctl.stack.StackConfig;
import io.imagelib.ilctl.stack.StackLayout;
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

    @Option(names = "--role-url", paramLabel = "URL", defaultValue = "${env:ILCTL_ROLE_URL}",
            description = "role-service base URL, or several replicas' URLs comma-separated, tried in turn on no answer "
                    + "or 503 (env ILCTL_ROLE_URL; default: every instance of the stack in --dir, else http://127.0.0.1:8090).")
    String roleUrl;

    @Option(names = "--endpoint-url", paramLabel = "URL", defaultValue = "${env:ILCTL_ENDPOINT_URL}",
            description = "endpoint-service base URL, or several comma-separated (env ILCTL_ENDPOINT_URL; default: every "
                    + "instance of the stack in --dir, else http://127.0.0.1:8091).")
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
        return new ServiceClient("role-service", url(roleUrl, ServiceModule.ROLE), token(), httpTimeout);
    }

    public ServiceClient endpointService() {
        return new ServiceClient("endpoint-service", url(endpointUrl, ServiceModule.ENDPOINT), token(), httpTimeout);
    }

    /** The URL given, else every instance of the stack 'ilctl up' started in --dir, else the default port. */
    private String url(String given, ServiceModule service) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        return StackConfig.load(new StackLayout(dir).stateFile()).map(stack -> stack.serviceUrls(service))
                .orElse("http://127.0.0.1:" + service.defaultPort());
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
