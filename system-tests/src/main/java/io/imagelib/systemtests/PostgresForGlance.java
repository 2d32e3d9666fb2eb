package io.imagelib.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for the Glance hosts: its own data directory, run as the {@code postgres} user
 * (initdb refuses root), listening on 127.0.0.1 and on the bridge address so hosts in namespaces reach it.
 * SQLite is no option: concurrent Glance hosts lock it and leave images in {@code saving}.
 */
public final class PostgresForGlance implements AutoCloseable {

    public static final String DATABASE = "glance";
    private static final String OS_USER = "postgres";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final String listenAddress;

    private PostgresForGlance(Path dir, Path bin, int port, String listenAddress) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.listenAddress = listenAddress;
    }

    /**
     * Initializes and starts a cluster in a new directory under the system temp directory (the postgres user must
     * reach it through every parent, which a build directory under /root or /work may not allow), listening on
     * 127.0.0.1 and {@code extraListenAddress} (which must already exist on an interface), and creates the database.
     */
    public static PostgresForGlance start(String extraListenAddress) {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "ilsys-pg-");
            Shell.run("chown", OS_USER + ":" + OS_USER, dir.toString());
            PostgresForGlance pg = new PostgresForGlance(dir, bin, LocalResources.freePort(), extraListenAddress);
            // Stop it even when the JVM is stopped before close() runs (pg_ctl daemonizes the server).
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "ilsys-postgres-stop"));
            pg.initAndStart();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a PostgreSQL directory in /tmp", e);
        }
    }

    private void initAndStart() {
        Path data = dir.resolve("data");
        asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", OS_USER, "-E", "UTF8");
        appendAsPostgres(data.resolve("pg_hba.conf"), "host all all " + TestNetwork.SUBNET_PREFIX + "0/24 trust\n");
        // A throwaway test database: durability off makes db_sync and image writes fast. Each glance-api may hold
        // 5 + 50 connections (oslo.db's max_pool_size + max_overflow): with the load on two of three hosts, PostgreSQL's
        // default 100 ran out ("too many clients already") and Glance answered downloads 500.
        appendAsPostgres(data.resolve("postgresql.conf"), String.join("\n",
                "listen_addresses = '127.0.0.1," + listenAddress + "'",
                "port = " + port,
                "unix_socket_directories = '" + dir + "'",
                "max_connections = 300",
                "fsync = off", "synchronous_commit = off", "full_page_writes = off", ""));
        Shell.Result started = Shell.exec(Duration.ofSeconds(60), "runuser", "-u", OS_USER, "--", bin.resolve("pg_ctl").toString(),
                "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(), "-w", "start");
        if (!started.ok()) {
            throw new IllegalStateException("PostgreSQL did not start:\n" + started.output() + "\n" + GlanceHosts.tail(dir.resolve("postgres.log")));
        }
        asPostgres(bin.resolve("createdb").toString(), "-h", dir.toString(), "-p", String.valueOf(port), DATABASE);
    }

    /** SQLAlchemy URL as seen from a Glance host in a namespace. */
    public String glanceConnectionUrl() {
        return "postgresql://" + OS_USER + "@" + listenAddress + ":" + port + "/" + DATABASE;
    }

    @Override
    public void close() {
        Path data = dir.resolve("data");
        if (Files.isRegularFile(data.resolve("postmaster.pid"))) {
            Shell.attempt("runuser", "-u", OS_USER, "--", bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                    "-m", "immediate", "-w", "stop");
        }
        LocalResources.deleteTree(dir);
    }

    /** The newest installed server, e.g. /usr/lib/postgresql/15/bin. */
    static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("No PostgreSQL server under " + root + "; run system-tests/run.sh"));
        } catch (IOException e) {
            throw new IllegalStateException("No PostgreSQL server under " + root + "; run system-tests/run.sh", e);
        }
    }

    private static void asPostgres(String... command) {
        String[] full = Stream.concat(Stream.of("runuser", "-u", OS_USER, "--"), Stream.of(command)).toArray(String[]::new);
        Shell.run(full);
    }

    private static void appendAsPostgres(Path file, String text) {
        try {
            Files.writeString(file, text, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to " + file, e);
        }
    }

}
