package com.miteos.gateway.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.config.GatewayConfig.RateLimit.Store;
import com.miteos.gateway.repository.RateLimitBuckets;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.TimeMeter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * The rate limit of the public API: one token bucket per API key, holding {@code burst}
 * requests and refilling at {@code requests-per-second}, so a key can spike briefly but not
 * sustain more than its rate.
 *
 * <p>Where the buckets live is {@code miteos.rate-limit.store}. {@code shared} (the default): in
 * the gateway's PostgreSQL ({@link RateLimitBuckets}), so every replica takes from the key's one
 * bucket and N replicas still allow a key its limit, not N times it. Each decision is a short
 * database transaction on a worker thread ({@link #acquire}); concurrent requests of one key share
 * one. {@code local}: in this instance's memory, lock-free, no database; right for a single
 * instance, and N replicas then allow N times the limit.
 *
 * <p>When the shared buckets cannot be reached (the database is down or too slow), requests are
 * neither all refused nor all let through: each gateway decides from buckets in its own memory,
 * as {@code local} would, and tries the database again {@link #SHARED_RETRY} later. The limit
 * then holds per replica; the switch and the way back are logged.
 *
 * <p>A bucket left alone for as long as it takes to refill completely is indistinguishable from a
 * new one, so it is forgotten after that long; memory is bounded by the keys used in the last few
 * seconds (and by {@link #MAX_TRACKED_KEYS} against a flood of valid keys). Refill and forgetting
 * both follow one clock, the {@code TimeMeter} bean ({@link com.miteos.gateway.config.RateLimitClock}).
 * Shared rows of idle keys are deleted every {@link #SWEEP_INTERVAL}.
 */
@Startup
@ApplicationScoped
public class ApiKeyRateLimiter {

    /**
     * The most buckets kept at once. Reaching it forgets the least recently used key's bucket,
     * which at worst gives that key a fresh burst (locally; a shared bucket only loses its batching); it only
     * guards memory.
     */
    static final long MAX_TRACKED_KEYS = 100_000;
    /** After the shared buckets failed, how long decisions are made locally before the database is tried again. */
    static final Duration SHARED_RETRY = Duration.ofSeconds(5);
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** A logger of its own rather than Quarkus' {@code Log}: unit tests run this class outside Quarkus. */
    private static final Logger LOG = Logger.getLogger(ApiKeyRateLimiter.class);

    private final long requestsPerSecond;
    private final long burst;
    private final TimeMeter clock;
    private final Bandwidth bandwidth;
    /** Null in {@code local} mode. */
    private final RateLimitBuckets shared;
    /** The buckets in memory, or in {@code shared} mode the proxies of the keys' rows. */
    private final Cache<String, Bucket> buckets;
    /** {@code shared} mode only: the buckets in memory that decide while the database is unreachable. */
    private final Cache<String, Bucket> fallback;
    private volatile boolean sharedUnreachable;
    private volatile long retrySharedAtNanos;
    private Cancellable sweeper;

    @Inject
    public ApiKeyRateLimiter(GatewayConfig config, TimeMeter clock, Instance<RateLimitBuckets> sharedBuckets) {
        this(config.rateLimit().requestsPerSecond(), config.rateLimit().burst(), clock,
                config.rateLimit().store() == Store.SHARED && config.rateLimit().requestsPerSecond() > 0
                        && config.rateLimit().burst() > 0 ? sharedBuckets.get() : null);
    }

    /** A limiter with buckets in memory only ({@code local}). */
    ApiKeyRateLimiter(long requestsPerSecond, long burst, TimeMeter clock) {
        this(requestsPerSecond, burst, clock, null);
    }

    /** A limiter on the given shared buckets, or on buckets in memory when {@code shared} is null. */
    public ApiKeyRateLimiter(long requestsPerSecond, long burst, TimeMeter clock, RateLimitBuckets shared) {
        if (requestsPerSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("miteos.rate-limit.requests-per-second and .burst must be 0 (off) or"
                    + " positive, not " + requestsPerSecond + " and " + burst);
        }
        this.requestsPerSecond = requestsPerSecond;
        this.burst = burst;
        this.clock = clock;
        this.shared = enabled() ? shared : null;
        this.bandwidth = enabled() ? Bandwidth.builder().capacity(burst)
                .refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build() : null;
        this.buckets = !enabled() ? null : this.shared == null ? newCache().build() : newCache()
                // A proxy dropped (idle, or rebuilt) first writes the tokens it took from its copy and
                // has not written yet, so that other replicas see them; a failure only loses those.
                .<String, Bucket>removalListener((key, bucket, cause) -> release(bucket))
                .build();
        this.fallback = this.shared != null ? newCache().build() : null;
    }

    /** False when either setting is 0: every request is then allowed and no headers are sent. */
    public boolean enabled() {
        return requestsPerSecond > 0 && burst > 0;
    }

    /** Whether the buckets are shared by every replica (in the database). */
    public boolean shared() {
        return shared != null;
    }

    /**
     * Takes one request from the key's bucket, if there is one to take, without blocking the
     * caller: a shared bucket is asked on a worker thread, and the decision is delivered back on
     * the caller's Vert.x context (the request's event loop), where the request goes on.
     */
    public Uni<Decision> acquire(String keyId) {
        if (shared == null) {
            return Uni.createFrom().item(() -> tryAcquire(keyId));
        }
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            Uni<Decision> decided = Uni.createFrom().item(() -> tryAcquire(keyId))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
            return caller == null ? decided : decided.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        });
    }

    /** Takes one request from the key's bucket, if there is one to take. Blocks while a shared bucket is asked. */
    public Decision tryAcquire(String keyId) {
        if (!enabled()) {
            return Decision.UNLIMITED;
        }
        ConsumptionProbe probe = take(keyId);
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

    private ConsumptionProbe take(String keyId) {
        if (shared == null) {
            return buckets.get(keyId, key -> localBucket()).tryConsumeAndReturnRemaining(1);
        }
        if (!sharedUnreachable || System.nanoTime() - retrySharedAtNanos >= 0) {
            try {
                ConsumptionProbe probe = takeShared(keyId);
                if (sharedUnreachable) {
                    sharedUnreachable = false;
                    LOG.info("rate limit: the shared buckets answer again; every replica takes from them again");
                }
                return probe;
            } catch (RuntimeException e) {
                retrySharedAtNanos = System.nanoTime() + SHARED_RETRY.toNanos();
                if (!sharedUnreachable) {
                    sharedUnreachable = true;
                    LOG.warnf("rate limit: the shared buckets in PostgreSQL failed (%s); until they answer again,"
                            + " each replica limits every key on its own, from its memory", e.toString());
                } else {
                    LOG.debugf("rate limit: the shared buckets still fail: %s", e.toString());
                }
            }
        }
        return fallback.get(keyId, key -> localBucket()).tryConsumeAndReturnRemaining(1);
    }

    /**
     * Takes from the key's shared bucket. A row that is not there (two replicas created the key's
     * bucket at the same moment, or the sweeper deleted an idle one under a kept proxy) is not a
     * database failure: the proxy is built again and the take tried once more.
     */
    private ConsumptionProbe takeShared(String keyId) {
        try {
            return buckets.get(keyId, key -> shared.bucket(key, configuration())).tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            if (!bucketMissing(e)) {
                throw e;
            }
            buckets.invalidate(keyId);
            return buckets.get(keyId, key -> shared.bucket(key, configuration())).tryConsumeAndReturnRemaining(1);
        }
    }

    private static boolean bucketMissing(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    void startSweeping(@Observes StartupEvent startup) {
        if (shared == null) {
            return;
        }
        sweeper = Multi.createFrom().ticks().every(SWEEP_INTERVAL)
                .onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .subscribe().with(tick -> sweep(), failure -> LOG.error("rate limit: bucket sweeper stopped", failure));
    }

    void stopSweeping(@Observes ShutdownEvent shutdown) {
        if (sweeper != null) {
            sweeper.cancel();
        }
    }

    /** Deletes the shared rows of buckets that have been full for a while; a failure waits for the next sweep. */
    void sweep() {
        try {
            int removed = shared.removeExpired();
            LOG.debugf("rate limit: %d idle shared buckets deleted", removed);
        } catch (RuntimeException e) {
            LOG.warnf("rate limit: idle shared buckets not deleted, next sweep retries: %s", e.toString());
        }
    }

    private BucketConfiguration configuration() {
        return BucketConfiguration.builder().addLimit(bandwidth).build();
    }

    private Bucket localBucket() {
        return Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(clock).build();
    }

    private void release(Bucket bucket) {
        if (bucket == null) {
            return;
        }
        try {
            shared.release(bucket);
        } catch (RuntimeException e) {
            LOG.debugf("rate limit: unsynchronized tokens of a dropped shared bucket not written: %s", e.toString());
        }
    }

    private Caffeine<Object, Object> newCache() {
        return Caffeine.newBuilder()
                .expireAfterAccess(timeToRefill())
                // Idle time on the buckets' own clock: forgetting a bucket must never refill it
                // sooner than the clock it refills by would.
                .ticker(clock::currentTimeNanos)
                .maximumSize(MAX_TRACKED_KEYS);
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
