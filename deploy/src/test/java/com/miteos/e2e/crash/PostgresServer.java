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

    private PostgresServer() {
    }

    /** A connection to one of the stack's databases, e.g. {@code miteos_orchestrator}. */
    public static Connection connect(String database) throws SQLException {
        String url = "jdbc:postgresql://" + env("MITEOS_DB_HOST", "127.0.0.1") + ":" + env("MITEOS_DB_PORT", "5432")
                + "/" + database + "?connectTimeout=10&socketTimeout=30";
        return DriverManager.getConnection(url, env("MITEOS_DB_USER", "postgres"),
                Objects.requireNonNullElse(System.getenv("MITEOS_DB_PASSWORD"), ""));
    }

    /** {@code pg_postmaster_start_time()}: moves on exactly when the server restarts. Empty if unreachable. */
    public static Optional<Instant> startTime() {
        try (Connection db = connect("postgres");
             Statement query = db.createStatement();
             ResultSet row = query.executeQuery("SELECT pg_postmaster_start_time()")) {
            return row.next() ? Optional.of(row.getTimestamp(1).toInstant()) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
