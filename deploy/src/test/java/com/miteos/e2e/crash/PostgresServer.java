package com.miteos.e2e.crash;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The local stack's PostgreSQL server, at the address the launcher gives the services
 * ({@code MITEOS_DB_HOST}, {@code MITEOS_DB_PORT}, {@code MITEOS_DB_USER}, {@code MITEOS_DB_PASSWORD},
 * with deploy/env.sh's defaults): connections to its databases, and when the server last started.
 */
public final class PostgresServer {

    private static final int START_TIME_ATTEMPTS = 15;

    private PostgresServer() {
    }

    /** A connection to one of the stack's databases, e.g. {@code miteos_orchestrator}. */
    public static Connection connect(String database) throws SQLException {
        String url = "jdbc:postgresql://" + env("MITEOS_DB_HOST", "127.0.0.1") + ":" + env("MITEOS_DB_PORT", "5432")
                + "/" + database + "?connectTimeout=10&socketTimeout=30";
        return DriverManager.getConnection(url, env("MITEOS_DB_USER", "postgres"),
                Objects.requireNonNullElse(System.getenv("MITEOS_DB_PASSWORD"), ""));
    }

    /**
     * {@code pg_postmaster_start_time()}: moves on exactly when the server restarts. Asked up to
     * {@link #START_TIME_ATTEMPTS} times a second apart (a connection refused for a moment, say
     * "too many clients" while the services reconnect, is not the fault under test); empty if the
     * server never answered, and the last error is printed.
     */
    public static Optional<Instant> startTime() throws InterruptedException {
        SQLException last = null;
        for (int attempt = 1; attempt <= START_TIME_ATTEMPTS; attempt++) {
            try (Connection db = connect("postgres");
                 Statement query = db.createStatement();
                 ResultSet row = query.executeQuery("SELECT pg_postmaster_start_time()")) {
                return row.next() ? Optional.of(row.getTimestamp(1).toInstant()) : Optional.empty();
            } catch (SQLException e) {
                last = e;
                Thread.sleep(1_000);
            }
        }
        System.out.println("crash test: PostgreSQL did not answer " + START_TIME_ATTEMPTS + " times: " + last);
        return Optional.empty();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
