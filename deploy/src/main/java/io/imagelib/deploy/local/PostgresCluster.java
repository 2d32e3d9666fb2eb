package io.imagelib.deploy.local;

import java.io.IOException;
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
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Glance hosts' one shared database: a private PostgreSQL cluster in {@code data}, reached over TCP on
 * {@code port} with trust authentication. The one set-up of {@code ilctl up} and the system tests. SQLite is no
 * option: concurrent Glance hosts lock it and leave images in {@code saving}.
 *
 * <p>initdb and postgres refuse to run as root, so under root every command runs as the {@code postgres} OS user,
 * which must reach {@code data} through every parent ({@link #at} moves the cluster where it can).
 *
 * @param bin  the server's binaries ({@link #binaries()})
 * @param data the cluster's data directory
 * @param port its TCP port
 * @param log  where the commands and the server write
 */
public record PostgresCluster(Path bin, Path data, int port, Path log) {

    public static final String DATABASE = "glance";
    public static final String OS_USER = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Path RELOCATED_PARENT = Path.of("/var/tmp");

    /**
     * The cluster of {@code dir}: {@code dir} itself when the server's OS user reaches its parent, else (a checkout
     * under /root) {@link #relocated}{@code (dir)} with {@code dir} a symlink to it, found again through the link
     * next time. A relocated directory without that link is a leftover of a deleted {@code dir}: it is started afresh.
     */
    public static PostgresCluster at(Path bin, Path place, int port, Path log) {
        Path dir = place.toAbsolutePath();
        try {
            if (Files.isSymbolicLink(dir)) {
                return new PostgresCluster(bin, Files.readSymbolicLink(dir), port, log);
            }
            PostgresCluster inDir = new PostgresCluster(bin, dir, port, log);
            if (inDir.exists() || !runningAsRoot()
                    || Shell.exec(Shell.DEFAULT_TIMEOUT, asOsUser("test", "-x", dir.getParent().toString()).toArray(String[]::new)).ok()) {
                return inDir;
            }
            Path relocated = relocated(dir);
            LocalResources.deleteTree(relocated);
            Files.deleteIfExists(dir);
            Files.createSymbolicLink(dir, relocated);
            return new PostgresCluster(bin, relocated, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot place the PostgreSQL cluster of " + dir, e);
        }
    }

    /** Where {@link #at} puts the cluster of {@code dir} when the OS user cannot reach it: named by a hash of its parent. */
    public static Path relocated(Path dir) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(dir.toAbsolutePath().getParent().toString().getBytes(StandardCharsets.UTF_8));
            return RELOCATED_PARENT.resolve("ilctl-postgres-" + HexFormat.of().formatHex(hash).substring(0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The newest installed server, e.g. /usr/lib/postgresql/15/bin. */
    public static Optional<Path> binaries() {
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

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Under root the command runs as the postgres user (initdb and postgres refuse root); else as ourselves. */
    public static List<String> asOsUser(String... command) {
        List<String> prefix = runningAsRoot()
                ? List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--")
                : List.of();
        return Stream.concat(prefix.stream(), Stream.of(command)).toList();
    }

    /** Whether {@link #init} ran here already. */
    public boolean exists() {
        return Files.isRegularFile(data.resolve("PG_VERSION"));
    }

    /**
     * initdb into {@code data}, listening on 127.0.0.1 and {@code extraListenAddresses} (which must exist on an
     * interface), with trust for clients from {@code trustedNetworks} (CIDR) besides the local ones.
     */
    private void init(List<String> extraListenAddresses, List<String> trustedNetworks) {
        try {
            Files.createDirectories(data);
            if (runningAsRoot()) {
                UserPrincipalLookupService users = data.getFileSystem().getUserPrincipalLookupService();
                PosixFileAttributeView owner = Files.getFileAttributeView(data, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                owner.setOwner(users.lookupPrincipalByName(OS_USER));
                owner.setGroup(users.lookupPrincipalByGroupName(OS_USER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + data + " for PostgreSQL", e);
        }
        run("initdb", bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", OS_USER, "-E", "UTF8", "--no-sync");
        append(data.resolve("pg_hba.conf"), trustedNetworks.stream().map(net -> "host all all " + net + " trust\n").toList());
        append(data.resolve("postgresql.conf"), List.of(String.join("\n",
                "",
                "# A private cluster for the Glance hosts of the local stack",
                "listen_addresses = '" + String.join(",", Stream.concat(Stream.of("127.0.0.1"), extraListenAddresses.stream()).toList()) + "'",
                "# TCP only: a socket under a deep directory would pass the 107-byte path limit of Unix sockets",
                "unix_socket_directories = ''",
                "# A development stack: a crash may lose the last commits, never corrupts the database",
                "synchronous_commit = off",
                "# Each glance-api may hold 5 + 50 connections (oslo.db's max_pool_size + max_overflow); the default 100",
                "# ran out under load in the system tests (\"too many clients already\", Glance answered 500)",
                "max_connections = 300",
                "")));
    }

    /**
     * pg_ctl start, waiting until it accepts connections; returns the postmaster's PID. No {@code pg_ctl -l}: the
     * server keeps the output file we opened, which the postgres user may not be able to open itself.
     */
    public long start() {
        run("pg_ctl start", bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "120", "-o", "-p " + port, "start");
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL started but " + data.resolve("postmaster.pid") + " is unreadable", e);
        }
    }

    /** {@link #start}, first initialising the cluster and creating the database unless {@link #exists}; returns the PID. */
    public long startOrCreate(List<String> extraListenAddresses, List<String> trustedNetworks) {
        boolean create = !exists();
        if (create) {
            init(extraListenAddresses, trustedNetworks);
        }
        long pid = start();
        if (create) {
            createDatabase();
        }
        return pid;
    }

    private void createDatabase() {
        run("createdb", bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", OS_USER, DATABASE);
    }

    /** pg_ctl stop without a clean shutdown (a throwaway cluster); nothing when it does not run. */
    public void stopNow() {
        if (Files.isRegularFile(data.resolve("postmaster.pid"))) {
            run("pg_ctl stop", bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        }
    }

    /** SQLAlchemy URL for glance-api hosts that reach the cluster at {@code address}:{@code port}. */
    public static String connectionUrl(String address, int port) {
        return "postgresql://" + OS_USER + "@" + address + ":" + port + "/" + DATABASE;
    }

    /** In the data directory's parent: a working directory the postgres user can enter, as initdb requires. */
    private void run(String name, String... command) {
        Shell.runLogged(name, asOsUser(command), data.getParent(), log, COMMAND_TIMEOUT);
    }

    private static void append(Path file, List<String> text) {
        try {
            Files.writeString(file, String.join("", text), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to " + file, e);
        }
    }
}
