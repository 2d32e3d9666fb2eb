package io.imagelib.ilctl.stack;

import io.imagelib.ilctl.IlctlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real Glance hosts' one shared database: a private PostgreSQL cluster of the stack (initdb once, pg_ctl start),
 * recorded under pids/ like every other process, so {@code status} shows it and {@code down} stops it.
 *
 * <p>initdb and postgres refuse to run as root, so under root the cluster runs as the {@code postgres} OS user, which
 * must reach its data directory through every parent. {@code DIR/postgres} is used when it can (e.g. a checkout
 * under /work); when DIR lies below a directory closed to others (a checkout under /root), the cluster lives in
 * {@code /var/tmp/ilctl-postgres-<hash of DIR>} and {@code DIR/postgres} is a symlink to it.
 */
final class GlanceDatabase {

    static final String NAME = "postgres";
    static final String DATABASE = "glance";
    private static final String OS_USER = "postgres";
    /** 5432 is the Debian package's own cluster; ours must not take its place. */
    private static final int DEFAULT_PORT = 5433;
    private static final Path RELOCATED_PARENT = Path.of("/var/tmp");

    private GlanceDatabase() {
    }

    static int port(StackConfig config) {
        return DEFAULT_PORT + config.portOffset();
    }

    /** SQLAlchemy URL for glance-api; trust authentication, on 127.0.0.1 only. */
    static String connectionUrl(StackConfig config) {
        return "postgresql://" + OS_USER + "@127.0.0.1:" + port(config) + "/" + DATABASE;
    }

    /** The newest installed server, e.g. /usr/lib/postgresql/15/bin. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")) && Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparingInt(bin -> Integer.parseInt("0" + bin.getParent().getFileName().toString().replaceAll("\\D", ""))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Where the cluster lives: {@code DIR/postgres}, or the directory that symlink points to. */
    static Path dataDir(StackLayout layout) {
        Path inDir = layout.dir().resolve(NAME);
        try {
            return Files.isSymbolicLink(inDir) ? Files.readSymbolicLink(inDir) : inDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the symlink " + inDir, e);
        }
    }

    /** The cluster's place when the postgres user cannot reach DIR: one per DIR, found again on the next up. */
    static Path relocatedDataDir(StackLayout layout) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(layout.dir().toString().getBytes(StandardCharsets.UTF_8));
            return RELOCATED_PARENT.resolve("ilctl-postgres-" + HexFormat.of().formatHex(hash).substring(0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Starts the cluster unless it runs; returns true when it was created now (an empty database, schema to sync). */
    static boolean start(StackConfig config, StackLayout layout, PrintWriter out) {
        StackProcess process = layout.process(NAME);
        String address = "127.0.0.1:" + port(config);
        Optional<ProcessHandle> running = process.running();
        if (running.isPresent()) {
            out.printf("  %-22s %-40s already running (PID %d)%n", NAME, address, running.get().pid());
            return false;
        }
        Path bin = binaries().orElseThrow(() -> IlctlException.stack("No PostgreSQL server under /usr/lib/postgresql; run ilctl up --install-glance"));
        Path setupLog = layout.logs().resolve("postgres-setup.log");
        Path data = dataDir(layout);
        boolean created = !Files.isRegularFile(data.resolve("PG_VERSION"));
        if (created) {
            data = placeNewCluster(layout, setupLog);
            init(bin, data, setupLog);
        }
        // No pg_ctl -l: the server keeps the output file we open (as root), which the postgres user may not be able to open.
        Path serverLog = layout.logs().resolve(NAME + ".log");
        int exit = SetupCommand.exitCode(asOsUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "120",
                "-o", "-p " + port(config), "start"), Map.of(), serverLog);
        if (exit != 0) {
            throw IlctlException.stack("PostgreSQL did not start on " + address + " (port taken? try another --port-offset); last lines of "
                    + serverLog + ":\n" + Logs.tail(serverLog, 20));
        }
        long pid = postmasterPid(data);
        process.record(pid, data.toString());
        if (created) {
            SetupCommand.run(asOsUser(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port(config)),
                    "-U", OS_USER, DATABASE), Map.of(), setupLog);
        }
        out.printf("  %-22s %-40s %s (PID %d), database %s in %s%n", NAME, address, created ? "created and started" : "started",
                pid, DATABASE, data);
        return created;
    }

    static ComponentStatus status(StackConfig config, StackLayout layout) {
        String kind = "PostgreSQL (Glance DB)";
        String address = "127.0.0.1:" + port(config);
        Optional<ProcessHandle> running = layout.process(NAME).running();
        if (running.isEmpty()) {
            return new ComponentStatus(NAME, kind, null, address, "stopped", "-");
        }
        return new ComponentStatus(NAME, kind, running.get().pid(), address, "running",
                HttpProbe.accepts(port(config)) ? "ready" : "no answer");
    }

    /**
     * DIR/postgres when the server's OS user reaches it, else the relocated directory with DIR/postgres linking to it.
     * A relocated directory without that link is a leftover of an earlier stack whose DIR was deleted: its database
     * described images that are gone with DIR/glance/data, so it is started afresh.
     */
    private static Path placeNewCluster(StackLayout layout, Path setupLog) {
        Path inDir = layout.dir().resolve(NAME);
        if (!RealGlance.runningAsRoot() || reachableByOsUser(layout.dir(), setupLog)) {
            return inDir;
        }
        Path relocated = relocatedDataDir(layout);
        try {
            if (!Files.isSymbolicLink(inDir)) {
                deleteTree(relocated);
                Files.deleteIfExists(inDir);
                Files.createSymbolicLink(inDir, relocated);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot link " + inDir + " to " + relocated, e);
        }
        return relocated;
    }

    private static boolean reachableByOsUser(Path dir, Path setupLog) {
        return SetupCommand.exitCode(asOsUser("test", "-x", dir.toString()), Map.of(), setupLog) == 0;
    }

    private static void init(Path bin, Path data, Path setupLog) {
        try {
            Files.createDirectories(data);
            if (RealGlance.runningAsRoot()) {
                UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
                PosixFileAttributeView owner = Files.getFileAttributeView(data, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                owner.setOwner(users.lookupPrincipalByName(OS_USER));
                owner.setGroup(users.lookupPrincipalByGroupName(OS_USER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + data + " for PostgreSQL", e);
        }
        SetupCommand.run(asOsUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", OS_USER, "-E", "UTF8",
                "--no-sync"), Map.of(), setupLog);
        try {
            Files.writeString(data.resolve("postgresql.conf"), String.join("\n",
                    "",
                    "# ilctl: a private cluster for the local stack's Glance hosts",
                    "listen_addresses = '127.0.0.1'",
                    "# TCP only: a socket under a deep DIR would pass the 107-byte path limit of Unix sockets",
                    "unix_socket_directories = ''",
                    "# A development stack: a crash may lose the last commits, never corrupts the database",
                    "synchronous_commit = off",
                    "# Each glance-api may hold 5 + 50 connections (oslo.db's max_pool_size + max_overflow); the default 100",
                    "# ran out under load in the system tests (\"too many clients already\", Glance answered 500)",
                    "max_connections = 300",
                    ""), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot configure " + data.resolve("postgresql.conf"), e);
        }
    }

    /** Under root the command runs as the postgres user (initdb and postgres refuse root); else as ourselves. */
    private static List<String> asOsUser(String... command) {
        List<String> prefix = RealGlance.runningAsRoot()
                ? List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--")
                : List.of();
        return Stream.concat(prefix.stream(), Stream.of(command)).toList();
    }

    private static long postmasterPid(Path data) {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            throw IlctlException.stack("PostgreSQL started but " + data.resolve("postmaster.pid") + " is unreadable: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
