package com.miteos.gateway;

import com.miteos.gateway.config.GatewayConfigs;
import com.miteos.gateway.repository.RateLimitBuckets;
import com.miteos.gateway.service.ApiKeyRateLimiter;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimitTest}'s cases with the buckets in the gateway's memory
 * ({@code miteos.rate-limit.store=local}): the same answers, headers and 429 problems, with no
 * database in the decision, and so no bucket shared with another replica.
 *
 * <p>It runs in {@link RateLimitTest}'s gateway rather than one started for it: before each case the
 * gateway's limiter is replaced ({@link QuarkusMock}) by the one the gateway builds from
 * {@code miteos.rate-limit.store=local} (its own constructor, the setting read by SmallRye Config,
 * the gateway's clock and its shared buckets on offer), which must not have taken them.
 */
@QuarkusTest
@TestProfile(RateLimitTest.FivePerSecondOnAManualClock.class)
// In the same application, a bean of type RateLimitTest too would make RateLimitTest's own instance ambiguous.
@Typed(LocalRateLimitTest.class)
class LocalRateLimitTest extends RateLimitTest {

    @Inject
    Instance<RateLimitBuckets> sharedBuckets;

    @BeforeEach
    void bucketsInMemory() {
        ApiKeyRateLimiter local = new ApiKeyRateLimiter(GatewayConfigs.withOverrides(Map.of(
                "miteos.rate-limit.requests-per-second", String.valueOf(RATE),
                "miteos.rate-limit.burst", String.valueOf(BURST),
                "miteos.rate-limit.store", "local")), clock, sharedBuckets);
        assertThat(local.shared()).as("a limiter built for store=local takes no shared buckets").isFalse();
        QuarkusMock.installMockForType(local, ApiKeyRateLimiter.class);
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
