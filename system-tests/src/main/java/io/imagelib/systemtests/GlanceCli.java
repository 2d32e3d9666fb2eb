package io.imagelib.systemtests;

import io.imagelib.deploy.local.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real OpenStack image client in the loop: Debian's {@code glance} CLI (python3-glanceclient, the library
 * {@code openstack image} used to be built on) pointed at one image endpoint with {@code --os-image-url}, so no
 * Keystone catalog and no version discovery is involved.
 *
 * <p>The {@code openstack} CLI ({@link OpenstackCli}) does version discovery ({@code GET /}) first, which the router
 * answers too; this client covers the path without discovery.
 *
 * <p>Identity: the Glance hosts run Keystone-less ({@code trusted} flavor); a {@code sitecustomize.py} on
 * PYTHONPATH adds the headers Keystone's auth_token middleware would set (the same ones {@link GlanceClient} sends)
 * to every request of the CLI. Nothing else of the client is changed.
 */
public final class GlanceCli implements ImageCli {

    /** Debian's scripts start with #!/usr/bin/python3; a pyenv python3 first on PATH would lack the modules. */
    private static final String SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);
    private static final Pattern TABLE_ROW = Pattern.compile("^\\|\\s*(\\S+)\\s*\\|\\s*(.*?)\\s*\\|\\s*$", Pattern.MULTILINE);

    /** One command as run: the program, the arguments after the endpoint options, exit code, output and wall time. */
    public record Run(String program, List<String> args, int exitCode, String output, Duration took) {
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "%s %s -> exit %d in %d ms%s".formatted(program, String.join(" ", args), exitCode, took.toMillis(),
                    ok() ? "" : ":\n" + output);
        }
    }

    private final URI endpoint;
    private final Map<String, String> env;
    private final List<Run> runs = java.util.Collections.synchronizedList(new ArrayList<>());

    private GlanceCli(URI endpoint, Map<String, String> env) {
        this.endpoint = endpoint;
        this.env = env;
    }

    /** A CLI bound to {@code endpoint}; its sitecustomize.py is written under {@code workDir}. */
    public static GlanceCli at(URI endpoint, Path workDir) {
        return new GlanceCli(endpoint, keystonelessEnvironment(workDir));
    }

    /**
     * The environment of a python OpenStack client without Keystone: the system PATH, and sitecustomize.py (written
     * under {@code workDir}) adding the trusted-auth headers to every request. Shared with {@link OpenstackCli}.
     */
    static Map<String, String> keystonelessEnvironment(Path workDir) {
        Path site = workDir.resolve("glance-cli-site");
        try (InputStream script = GlanceCli.class.getResourceAsStream("/glance-cli/sitecustomize.py")) {
            Files.createDirectories(site);
            Files.write(site.resolve("sitecustomize.py"), script.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write sitecustomize.py under " + site, e);
        }
        return Map.of(
                "PATH", SYSTEM_PATH,
                "PYTHONPATH", site.toString(),
                "ILSYS_HEADER_X_Identity_Status", "Confirmed",
                "ILSYS_HEADER_X_Roles", "admin",
                "ILSYS_HEADER_X_Project_Id", GlanceClient.PROJECT_ID,
                "ILSYS_HEADER_X_User_Id", "system-tests");
    }

    /** Runs {@code glance --os-image-url <endpoint> --os-image-api-version 2 <args>} and records it. */
    public Run run(String... args) {
        List<String> command = new ArrayList<>(List.of("glance", "--os-image-url", endpoint.toString(),
                "--os-image-api-version", "2", "--os-auth-token", "unused-keystone-less"));
        command.addAll(List.of(args));
        Run run = exec("glance", command, args, env);
        runs.add(run);
        return run;
    }

    /** Runs one client command with {@code env} and times it. */
    static Run exec(String program, List<String> command, String[] args, Map<String, String> env) {
        long t0 = System.nanoTime();
        Shell.Result result = Shell.exec(COMMAND_TIMEOUT, env, command.toArray(String[]::new));
        return new Run(program, List.of(args), result.exitCode(), result.output(), Duration.ofNanos(System.nanoTime() - t0));
    }

    /** {@code image-create --file}: returns the run; the new id is {@link #field(Run, String) field(run, "id")}. */
    @Override
    public Run create(String name, Path file) {
        return run("image-create", "--name", name, "--disk-format", "raw", "--container-format", "bare",
                "--visibility", "shared", "--file", file.toString());
    }

    @Override
    public String createdId(Run created) {
        return field(created, "id");
    }

    /** {@code image-download --file OUT ID} (what {@code openstack image save --file} does). */
    @Override
    public Run save(String imageId, Path out) {
        return run("image-download", "--file", out.toString(), imageId);
    }

    @Override
    public Run list() {
        return run("image-list");
    }

    public Run show(String imageId) {
        return run("image-show", imageId);
    }

    @Override
    public List<Run> runs() {
        synchronized (runs) {
            return List.copyOf(runs);
        }
    }

    /** A property of the CLI's two-column table output ({@code | id | 1f2e... |}). */
    public static String field(Run run, String property) {
        Matcher m = TABLE_ROW.matcher(run.output());
        while (m.find()) {
            if (m.group(1).equals(property)) {
                return m.group(2);
            }
        }
        throw new IllegalStateException("No '" + property + "' row in the output of " + run);
    }
}
