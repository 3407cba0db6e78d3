package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The event stream compressed for tests: a heartbeat every 0.3 s instead of 15, a poll every 50 ms,
 * at most 3 streams per key, and no rate limit (the resume test reconnects a hundred times).
 */
public class EventStreamProfile implements QuarkusTestProfile {

    static final int MAX_PER_KEY = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "miteos.streams.heartbeat-interval", "PT0.3S",
                "miteos.streams.poll-interval", "PT0.05S",
                "miteos.streams.max-per-key", Integer.toString(MAX_PER_KEY),
                "miteos.rate-limit.requests-per-second", "0",
                // Start-up on a shared, loaded machine: Flyway's first connection may take longer than 2 s.
                "quarkus.datasource.jdbc.acquisition-timeout", "PT30S");
    }
}
