package com.miteos.gateway.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.miteos.gateway.config.GatewayConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * The rate limit of the public API: one token bucket per API key, holding {@code burst}
 * requests and refilling at {@code requests-per-second}, so a key can spike briefly but not
 * sustain more than its rate. Bucket4j's lock-free buckets keep the hot path free of locks.
 *
 * <p>Buckets live in this gateway's memory: behind a load balancer, N gateway instances allow a
 * key up to N times the limit, and a restart refills every bucket. A bucket left alone for as
 * long as it takes to refill completely is indistinguishable from a new one, so it is forgotten
 * after that long; memory is bounded by the keys used in the last few seconds (and by
 * {@link #MAX_TRACKED_KEYS} against a flood of valid keys). Refill and forgetting both follow
 * one clock, the {@code TimeMeter} bean ({@link com.miteos.gateway.config.RateLimitClock}).
 */
@Startup
@ApplicationScoped
public class ApiKeyRateLimiter {

    /**
     * The most buckets kept at once. Reaching it forgets the least recently used key's bucket,
     * which at worst gives that key a fresh burst; it only guards memory.
     */
    static final long MAX_TRACKED_KEYS = 100_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long requestsPerSecond;
    private final long burst;
    private final TimeMeter clock;
    private final Cache<String, Bucket> buckets;

    @Inject
    public ApiKeyRateLimiter(GatewayConfig config, TimeMeter clock) {
        this(config.rateLimit().requestsPerSecond(), config.rateLimit().burst(), clock);
    }

    ApiKeyRateLimiter(long requestsPerSecond, long burst, TimeMeter clock) {
        if (requestsPerSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("miteos.rate-limit.requests-per-second and .burst must be 0 (off) or"
                    + " positive, not " + requestsPerSecond + " and " + burst);
        }
        this.requestsPerSecond = requestsPerSecond;
        this.burst = burst;
        this.clock = clock;
        this.buckets = enabled() ? Caffeine.newBuilder()
                .expireAfterAccess(timeToRefill())
                // Idle time on the buckets' own clock: forgetting a bucket must never refill it
                // sooner than the clock it refills by would.
                .ticker(clock::currentTimeNanos)
                .maximumSize(MAX_TRACKED_KEYS)
                .build() : null;
    }

    /** False when either setting is 0: every request is then allowed and no headers are sent. */
    public boolean enabled() {
        return requestsPerSecond > 0 && burst > 0;
    }

    /** Takes one request from the key's bucket, if there is one to take. */
    public Decision tryAcquire(String keyId) {
        if (!enabled()) {
            return Decision.UNLIMITED;
        }
        ConsumptionProbe probe = buckets.get(keyId, key -> newBucket()).tryConsumeAndReturnRemaining(1);
        long retryAfterSeconds = probe.isConsumed() ? 0
                : Math.max(1, ceilDiv(probe.getNanosToWaitForRefill(), NANOS_PER_SECOND));
        return new Decision(probe.isConsumed(), burst, requestsPerSecond, probe.getRemainingTokens(),
                retryAfterSeconds);
    }

    /**
     * The outcome for one request: whether it may go on, the bucket's capacity and refill rate,
     * the requests left right now, and (when refused) the whole seconds until the next one.
     */
    public record Decision(boolean allowed, long limit, long requestsPerSecond, long remaining,
            long retryAfterSeconds) {

        static final Decision UNLIMITED = new Decision(true, 0, 0, 0, 0);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(requestsPerSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(clock)
                .build();
    }

    /** How long an empty bucket takes to fill up again: after that, a new bucket is the same thing. */
    private Duration timeToRefill() {
        Duration refill = Duration.ofSeconds(burst).dividedBy(requestsPerSecond);
        return refill.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : refill;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
