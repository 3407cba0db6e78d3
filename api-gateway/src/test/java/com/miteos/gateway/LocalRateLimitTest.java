package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimitTest}'s cases with the buckets in the gateway's memory
 * ({@code miteos.rate-limit.store=local}): the same answers, headers and 429 problems, with no
 * database in the decision, and so no bucket shared with another replica.
 */
@QuarkusTest
@TestProfile(LocalRateLimitTest.LocalBuckets.class)
class LocalRateLimitTest extends RateLimitTest {

    public static class LocalBuckets extends FivePerSecondOnAManualClock {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("miteos.rate-limit.store", "local");
            return overrides;
        }
    }

    /** Local buckets are this instance's: another replica still has the key's whole burst. */
    @Override
    @Test
    void anotherReplicaTakesFromTheSameBucket() throws Exception {
        String[] key = newTestKeyWithId();
        exhaust(key[1]);

        assertThat(otherReplica().tryAcquire(key[0]).allowed()).isTrue();
    }
}
