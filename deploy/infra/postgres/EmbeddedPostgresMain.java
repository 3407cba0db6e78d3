import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Embedded PostgreSQL for machines without a PostgreSQL server, used by ./miteos only when
 * nothing listens on MITEOS_DB_HOST:MITEOS_DB_PORT.
 *
 * <p>Run with the Java source launcher (no build step):
 * <pre>java -cp "$(cat .miteos/cp/postgres.classpath)" deploy/infra/postgres/EmbeddedPostgresMain.java</pre>
 *
 * <p>Configuration (environment, same names as deploy/env.sh):
 * <ul>
 *   <li>MITEOS_DB_HOST / MITEOS_DB_PORT - listen address and port</li>
 *   <li>MITEOS_DB_USER / MITEOS_DB_PASSWORD - role the services log in as (created if it is not "postgres")</li>
 *   <li>MITEOS_DB_NAMES - space-separated databases to create if missing</li>
 *   <li>MITEOS_PG_DIR - state directory (default .miteos/pg); data lives in MITEOS_PG_DIR/data and is kept across runs</li>
 * </ul>
 *
 * <p>Prints "EMBEDDED POSTGRES READY" once the server accepts connections and the databases exist,
 * then runs until SIGTERM/SIGINT, when a shutdown hook stops PostgreSQL cleanly (pg_ctl stop).
 *
 * <p>PostgreSQL refuses to run as root: when ./miteos runs as root it starts this program as an
 * unprivileged user (see start_embedded_postgres in ./miteos).
 */
public final class EmbeddedPostgresMain {

    public static void main(String[] args) throws Exception {
        String host = env("MITEOS_DB_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("MITEOS_DB_PORT", "5432"));
        String user = env("MITEOS_DB_USER", "postgres");
        String password = env("MITEOS_DB_PASSWORD", "");
        String[] databases = env("MITEOS_DB_NAMES", "").trim().split("\\s+");
        Path stateDir = Path.of(env("MITEOS_PG_DIR", ".miteos/pg")).toAbsolutePath();

        Path dataDir = stateDir.resolve("data");
        Path binariesDir = stateDir.resolve("binaries"); // PostgreSQL binaries are unpacked here once
        Path socketDir = stateDir.resolve("run");
        Path binariesComplete = binariesDir.resolve(".complete");
        if (!Files.exists(binariesComplete)) {
            // A first start that was interrupted while unpacking leaves a partial tree that
            // embedded-postgres does not repair: start over from an empty directory.
            deleteRecursively(binariesDir);
        }
        Files.createDirectories(binariesDir);
        Files.createDirectories(socketDir);

        log("starting PostgreSQL on " + host + ":" + port + ", data in " + dataDir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)            // keep data across restarts
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setRegisterShutdownHook(false)          // we register our own below
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", host)
                .setServerConfig("unix_socket_directories", socketDir.toString())
                .setServerConfig("max_connections", "200")
                .setOutputRedirector(ProcessBuilder.Redirect.INHERIT)
                .setErrorRedirector(ProcessBuilder.Redirect.INHERIT)
                .start();

        Files.writeString(binariesComplete, "unpacked\n");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("shutting down PostgreSQL");
            try {
                pg.close();
            } catch (Exception e) {
                log("error while stopping PostgreSQL: " + e);
            } finally {
                stopped.countDown();
            }
        }, "embedded-postgres-shutdown"));

        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            if (!"postgres".equals(user)) {
                ensureRole(c, user, password);
            }
            for (String db : databases) {
                if (!db.isEmpty()) {
                    ensureDatabase(c, db, user);
                }
            }
        }

        log("EMBEDDED POSTGRES READY on " + host + ":" + port);
        stopped.await(); // until the shutdown hook has run
    }

    private static void ensureRole(Connection c, String role, String password) throws SQLException {
        if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ident(role) + " LOGIN SUPERUSER PASSWORD " + literal(password));
        }
        log("created role " + role);
    }

    private static void ensureDatabase(Connection c, String db, String owner) throws SQLException {
        if (exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", db)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + ident(db) + " OWNER " + ident(owner));
        }
        log("created database " + db);
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes a directory tree; symbolic links are removed, never followed. */
    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static void log(String message) {
        System.out.println("[embedded-postgres] " + message);
        System.out.flush();
    }
}
