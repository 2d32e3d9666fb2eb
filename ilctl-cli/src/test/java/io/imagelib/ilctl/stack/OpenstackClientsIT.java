package io.imagelib.ilctl.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagelib.deploy.local.LocalKeystone;
import io.imagelib.deploy.local.ServiceModule;
import io.imagelib.ilctl.IlctlRun;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 16, what a new OpenStack user does: {@code ilctl up} (this very LocalStack) with real Glance, then
 * {@code source DIR/openrc} and the real {@code openstack} and {@code glance} clients with Keystone tokens, through the
 * router the catalog names: no extra headers, no sitecustomize. For each client: create a 50 MiB image, list it, save
 * it while a non-admin host is SIGKILLed mid-transfer (sha256 equal), SIGKILL the admin host between commands (Keystone
 * lists the new admin within 3 s, as {@code openstack endpoint list --service glance --interface admin} shows),
 * delete it. Every command must exit 0. {@code ilctl up} again restarts the killed hosts.
 *
 * <p>Runs with {@code -Psystem} (ilctl-cli/pom.xml, system-tests/run.sh); skipped with its reason without root or
 * the Debian packages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenstackClientsIT {

    /** This test's lane: not LocalStackIT's 21000 nor RealGlanceStackIT's 23000; Keystone on 21000. */
    private static final int PORT_OFFSET = 16000;
    private static final Path WORK = Path.of("target", "it-openstack").toAbsolutePath();
    private static final Path DIR = WORK.resolve("stack");
    private static final StackLayout LAYOUT = new StackLayout(DIR);
    private static final StackConfig CONFIG = new StackConfig(PORT_OFFSET, 3, "RegionOne", StackConfig.GlanceMode.real);
    private static final StackUnderTest STACK = new StackUnderTest(DIR, CONFIG);
    private static final Path IMAGE = WORK.resolve("image-50MiB.raw");
    private static final int IMAGE_BYTES = 50 * 1024 * 1024;
    /** The goal: admin host killed -> the Keystone catalog lists the new admin. */
    private static final Duration CATALOG_GOAL = Duration.ofSeconds(3);
    /** A download counts as under way on a host once that glance-api has read this much more than before. */
    private static final long MID_TRANSFER_BYTES = 4L * 1024 * 1024;
    private static final int SAVE_ATTEMPTS = 6;
    private static final String SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern GLANCE_ID_ROW = Pattern.compile("^\\|\\s*id\\s*\\|\\s*([0-9a-f-]{36})\\s*\\|", Pattern.MULTILINE);

    private static String upOutput;
    private static String imageSha256;
    private static int commandNumber;

    /** The two clients an OpenStack user has, as the user types them after sourcing openrc. */
    enum Client {
        OPENSTACK {
            List<String> create(String name) {
                return List.of("openstack", "image", "create", "--disk-format", "raw", "--container-format", "bare",
                        "--file", IMAGE.toString(), "-f", "value", "-c", "id", name);
            }

            List<String> list() {
                return List.of("openstack", "image", "list");
            }

            List<String> save(String id, Path out) {
                return List.of("openstack", "image", "save", "--file", out.toString(), id);
            }

            List<String> delete(String id) {
                return List.of("openstack", "image", "delete", id);
            }

            String id(String createOutput) {
                return createOutput.strip().lines().reduce((a, b) -> b).orElseThrow();
            }
        },
        GLANCE {
            List<String> create(String name) {
                return List.of("glance", "image-create", "--disk-format", "raw", "--container-format", "bare",
                        "--file", IMAGE.toString(), "--name", name);
            }

            List<String> list() {
                return List.of("glance", "image-list");
            }

            List<String> save(String id, Path out) {
                return List.of("glance", "image-download", "--file", out.toString(), id);
            }

            List<String> delete(String id) {
                return List.of("glance", "image-delete", id);
            }

            String id(String createOutput) {
                Matcher row = GLANCE_ID_ROW.matcher(createOutput);
                assertThat(row.find()).as("an id row in:\n" + createOutput).isTrue();
                return row.group(1);
            }
        };

        abstract List<String> create(String name);

        abstract List<String> list();

        abstract List<String> save(String id, Path out);

        abstract List<String> delete(String id);

        abstract String id(String createOutput);
    }

    record CliRun(List<String> command, int exitCode, String output, Duration took) {
        CliRun assertOk() {
            assertThat(exitCode).as("%s exited %d after %d ms:%n%s", String.join(" ", command), exitCode, took.toMillis(), output)
                    .isZero();
            return this;
        }
    }

    @BeforeAll
    static void upWithTheWholeOpenstackSlice() throws Exception {
        StackUnderTest.assumeRealGlanceCanRun("OpenstackClientsIT");
        IlctlRun up = STACK.upFreshBelow(WORK);
        upOutput = up.out();
        assertThat(up.exitCode()).as(up.err()).isZero();
        imageSha256 = writeRandomImage();
    }

    @AfterAll
    static void downAndCleanUp() throws IOException {
        STACK.downAndDeleteDatabase();
    }

    @Test
    @Order(1)
    void upStartsKeystoneAndCatalogSyncAndSaysHowToPointTheClientsAtTheRouter() {
        assertThat(upOutput).contains("==> Keystone", "Keystone lists glance admin http://127.0.0.1:",
                "source " + LAYOUT.openrc(), "openstack image list", "glance image-list",
                "openstack endpoint list --service glance --interface admin",
                "API Endpoints page (live admin, failovers): " + CONFIG.serviceUrl(ServiceModule.ENDPOINT) + "/",
                "restarts a stopped or killed host");
        IlctlRun status = IlctlRun.of(STACK.args("status", "-f", "value", "-c", "Component", "-c", "State", "-c", "Health"));
        assertThat(status.out()).contains("keystone running ready", "catalog-sync running ready");
        CliRun publicEndpoint = openstack("endpoint", "list", "--service", "glance", "--interface", "public", "-f", "value", "-c", "URL")
                .assertOk();
        assertThat(publicEndpoint.output().strip()).isEqualTo(CONFIG.serviceUrl(ServiceModule.ROUTER));
    }

    @Test
    @Order(2)
    void theOpenstackClientThroughTheRouterWhileHostsDie() throws Exception {
        createListSaveDelete(Client.OPENSTACK);
    }

    @Test
    @Order(3)
    void theGlanceClientThroughTheRouterWhileHostsDie() throws Exception {
        createListSaveDelete(Client.GLANCE);
    }

    private void createListSaveDelete(Client client) throws Exception {
        restoreEveryHost();
        String id = client.id(run(client.create("it-" + client.name().toLowerCase())).assertOk().output());
        assertThat(run(client.list()).assertOk().output()).contains(id);

        saveWhileANonAdminHostDies(client, id);
        killTheAdminAndSeeTheCatalogFollow();

        run(client.delete(id)).assertOk();
        assertThat(run(client.list()).assertOk().output()).doesNotContain(id);
    }

    /**
     * Saves until a save is served by a non-admin host, which is SIGKILLed once it has sent some MiB (reads go round
     * robin, so the admin may serve an attempt: that one is only checked, and the next tried).
     */
    private void saveWhileANonAdminHostDies(Client client, String id) throws Exception {
        String admin = STACK.adminUrl().orElseThrow();
        List<GlanceHost> nonAdmins = CONFIG.glanceHosts().stream().filter(h -> !h.url().equals(admin)).toList();
        Optional<GlanceHost> killed = Optional.empty();
        for (int attempt = 1; attempt <= SAVE_ATTEMPTS && killed.isEmpty(); attempt++) {
            Path out = WORK.resolve(client.name().toLowerCase() + "-save-" + attempt + ".raw");
            Map<GlanceHost, Long> before = new HashMap<>();
            nonAdmins.forEach(h -> before.put(h, bytesRead(h)));
            CompletableFuture<CliRun> save = CompletableFuture.supplyAsync(() -> run(client.save(id, out)));
            killed = killTheHostServing(save, before);
            CliRun saved = save.join().assertOk();
            assertThat(sha256(out)).as("sha256 of %s (%s)", out, killed.map(h -> h.name() + " killed mid-save").orElse("served by the admin"))
                    .isEqualTo(imageSha256);
            System.out.printf("%s save attempt %d: %s, %d ms%n", client, attempt,
                    killed.map(h -> h.name() + " SIGKILLed mid-transfer").orElse("the admin served it"), saved.took().toMillis());
        }
        assertThat(killed).as("a save served by a non-admin host within %d attempts", SAVE_ATTEMPTS).isPresent();
    }

    /** Watches the non-admin glance-apis' read counters while the save runs; kills the one streaming the image. */
    private static Optional<GlanceHost> killTheHostServing(CompletableFuture<CliRun> save, Map<GlanceHost, Long> before) {
        while (!save.isDone()) {
            for (Map.Entry<GlanceHost, Long> host : before.entrySet()) {
                if (bytesRead(host.getKey()) - host.getValue() > MID_TRANSFER_BYTES) {
                    LAYOUT.process(host.getKey().name()).running().orElseThrow().destroyForcibly();
                    return Optional.of(host.getKey());
                }
            }
            pause(Duration.ofMillis(5));
        }
        return Optional.empty();
    }

    private void killTheAdminAndSeeTheCatalogFollow() {
        LocalKeystone keystone = Keystone.of(Project.locate(), LAYOUT);
        String admin = STACK.adminUrl().orElseThrow();
        assertThat(keystone.endpointUrls(CONFIG.region(), "admin")).as("Keystone before the kill").containsExactly(admin);
        GlanceHost adminHost = CONFIG.glanceHosts().stream().filter(h -> h.url().equals(admin)).findFirst().orElseThrow();

        long killed = System.nanoTime();
        LAYOUT.process(adminHost.name()).running().orElseThrow().destroyForcibly();
        List<String> listed = keystone.endpointUrls(CONFIG.region(), "admin");
        while (listed.equals(List.of(admin)) && System.nanoTime() - killed < Duration.ofSeconds(30).toNanos()) {
            pause(Duration.ofMillis(50));
            listed = keystone.endpointUrls(CONFIG.region(), "admin");
        }
        Duration lag = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("admin %s SIGKILLed: Keystone lists %s after %d ms (load %s)%n", adminHost.name(), listed, lag.toMillis(), load());
        assertThat(listed).as("Keystone's glance admin after the kill").hasSize(1).doesNotContain(admin);
        assertThat(lag).as("admin host killed -> Keystone lists the new admin").isLessThanOrEqualTo(CATALOG_GOAL);
        assertThat(STACK.adminUrl()).as("endpoint-service's admin").contains(listed.getFirst());

        // The user's own check, started once the 3 s have passed.
        pause(Duration.ofNanos(Math.max(0, killed + CATALOG_GOAL.toNanos() - System.nanoTime())));
        CliRun cli = openstack("endpoint", "list", "--service", "glance", "--interface", "admin", "-f", "value", "-c", "URL").assertOk();
        assertThat(cli.output().strip()).isEqualTo(listed.getFirst());
    }

    /** {@code ilctl up} again: it restarts the hosts an earlier test killed; then they must be healthy again. */
    private static void restoreEveryHost() {
        IlctlRun up = IlctlRun.of(STACK.args("up"));
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            IlctlRun status = IlctlRun.of(STACK.args("status", "-f", "value", "-c", "Component", "-c", "Health"));
            return CONFIG.glanceHosts().stream().allMatch(h -> status.out().contains(h.name() + " ready"));
        });
        // host-monitor publishes UP after two good probes 250 ms apart; the router follows that event.
        pause(Duration.ofSeconds(2));
    }

    private static CliRun openstack(String... args) {
        List<String> command = new ArrayList<>(List.of("openstack"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static synchronized int nextCommandNumber() {
        return ++commandNumber;
    }

    /** {@code source DIR/openrc && COMMAND} in bash, as a user types it; the system PATH (Debian's python clients). */
    private static CliRun run(List<String> command) {
        List<String> shell = new ArrayList<>(List.of("bash", "-c", "source \"$0\" && exec \"$@\"", LAYOUT.openrc().toString()));
        shell.addAll(command);
        Path log = WORK.resolve("cli-" + nextCommandNumber() + ".log");
        long started = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(shell).directory(WORK.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(log.toFile());
            builder.environment().put("PATH", SYSTEM_PATH);
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
            int exit = process.isAlive() || !process.waitFor(10, TimeUnit.SECONDS) ? -1 : process.exitValue();
            return new CliRun(command, exit, Files.readString(log), Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + command, e);
        }
    }

    /** What the host's glance-api has read so far (its image file reads dominate while it serves a download). */
    private static long bytesRead(GlanceHost host) {
        Optional<ProcessHandle> process = LAYOUT.process(host.name()).running();
        if (process.isEmpty()) {
            return 0;
        }
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.get().pid()), "io")).stream()
                    .filter(l -> l.startsWith("rchar:")).mapToLong(l -> Long.parseLong(l.substring(6).strip())).findFirst().orElse(0);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static String writeRandomImage() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(16);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(IMAGE)) {
            for (int written = 0; written < IMAGE_BYTES; written += chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1024 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
