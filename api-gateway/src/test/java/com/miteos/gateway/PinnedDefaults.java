package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The documented defaults of the settings that the exposure and size-limit tests check, set here
 * so that nothing exported in the developer's shell changes what they prove: the gateway on all
 * interfaces, the admin API on but answering this host only, and the header, request-line and
 * body limits, set through the variables the README documents.
 */
public class PinnedDefaults implements QuarkusTestProfile {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_REQUEST_LINE_BYTES = 4096;
    static final int MAX_BODY_BYTES = 256 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "MITEOS_GATEWAY_HOST", "0.0.0.0",
                "MITEOS_MAX_HEADER_SIZE", "16K",
                "MITEOS_MAX_URL_LENGTH", "4096",
                "MITEOS_MAX_BODY_SIZE", "256K",
                // The property itself, not MITEOS_ADMIN_ALLOW_REMOTE: an exported variable of that
                // name maps straight onto it and would win over the expression's default.
                "miteos.admin.allow-remote", "false");
    }

    /**
     * These defaults with the rate limit and the active-task cap off and a deliverable-service
     * stub for the download route: what {@link ApiFuzzTest} needs to reach everything behind them.
     * The exposure and size-limit tests run in it too: they check neither limit, and a profile
     * fewer is one Quarkus application fewer to build and start in every test run. For the same
     * reason the benchmark baseline {@code /bench/bare} is on here, as bench/run starts the gateway,
     * for {@link BareBenchmarkRouteEnabledTest}: a route of its own that none of the others calls.
     */
    public static class Unlimited extends PinnedDefaults {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("miteos.rate-limit.requests-per-second", "0");
            overrides.put("miteos.limits.max-active-tasks", "0");
            overrides.put("miteos.bench.bare-endpoint", "true");
            return overrides;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DeliverableServiceStub.class));
        }
    }
}
