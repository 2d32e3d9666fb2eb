package io.imagelib.deploy.local;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts and stops the local Apicurio Registry for scripts and {@code ilctl up}. {@code start} builds it on first
 * use (progress on stderr), returns once it answers and prints the Confluent-compatible base URL as its only
 * stdout line; the registry keeps running until {@code stop}. Its schemas live in {@code DIR/data} (an H2 file), so a
 * stop and a start on the same directory keep every schema id.
 */
public final class LocalRegistryMain {

    private static final String USAGE = """
            usage: LocalRegistryMain start|stop|status [--dir DIR] [--port PORT] [--root DIR]
              start   build (first time) and start the registry; prints http://127.0.0.1:PORT/apis/ccompat/v7
              stop    SIGTERM the registry recorded in DIR (SIGKILL after 20 s)
              status  prints the URL and exits 0 if it runs, else exits 1
              --dir   registry directory: log, pid and data/ holding the schemas (default .imagelib/registry)
              --port  HTTP port (default: a free port)
              --root  project root holding mvnw (default: found above the working directory)""";

    private LocalRegistryMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(CliArguments.parse(args, CliArguments.names("start", "stop", "status"),
                    CliArguments.names("dir", "port", "root"), USAGE)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static int run(CliArguments cli) {
        Path dir = Path.of(cli.option("dir", ".imagelib/registry"));
        Optional<ApicurioRegistryProcess> running = ApicurioRegistryProcess.find(dir);
        switch (cli.command()) {
            case "start" -> {
                Path root = cli.optional("root").map(Path::of).orElseGet(ApicurioRegistryProcess::locateProjectRoot);
                ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(root, dir, cli.intOption("port", 0),
                        Lifetime.DETACHED, ApicurioRegistryProcess.DEFAULT_READY_TIMEOUT, System.err::println);
                System.out.println(registry.ccompatUrl());
                return 0;
            }
            case "stop" -> {
                running.ifPresentOrElse(ApicurioRegistryProcess::stop,
                        () -> System.err.println("No registry running from " + dir.toAbsolutePath()));
                return 0;
            }
            default -> {
                running.ifPresent(r -> System.out.println(r.ccompatUrl()));
                return running.isPresent() ? 0 : 1;
            }
        }
    }
}
