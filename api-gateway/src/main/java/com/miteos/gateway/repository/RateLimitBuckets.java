package com.miteos.gateway.repository;

import com.miteos.gateway.config.GatewayConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.NopeOptimizationListener;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.delay.DelayOptimization;
import io.github.bucket4j.distributed.proxy.optimization.skiponzero.SkipSyncOnZeroOptimization;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * The rate limit's token buckets in the gateway's PostgreSQL ({@code rate_limit_buckets}), one row
 * per API key, so that every gateway replica takes from the same bucket: Bucket4j's PostgreSQL
 * proxy manager over the JDBC datasource. A request locks its key's row ({@code SELECT … FOR
 * UPDATE}), refills and takes in the gateway, and writes the state back in the same transaction,
 * so no two replicas ever spend the same token.
 *
 * <p>Every call may block on JDBC: callers run it off the event loop. A key's proxy keeps a copy of
 * the bucket as last read, and must therefore be kept and reused, not rebuilt per request. With it,
 * Bucket4j's optimizations spare round trips (all of them batch: while one transaction is under
 * way, the requests that arrive meanwhile wait and then go to the database together, in one):
 * <ul>
 * <li>k = 0, exact: every token is taken in the database. Only a refusal may be decided from the
 * copy: when the copy is empty, so is the row (other replicas only ever take from it), until the
 * copy's next token is due ({@code SkipSyncOnZeroOptimization}). A key far over its limit thus
 * costs one transaction per token, not per request.</li>
 * <li>k &gt; 0: a replica takes up to k tokens from its copy before it writes them to the row in one
 * transaction, and at least every {@link #MAX_UNSYNCHRONIZED_TIME} ({@code DelayOptimization}):
 * about k + 1 times fewer round trips, and N replicas may spend the same tokens, up to N × k more
 * than the limit at any moment (the row then goes negative and the excess is paid back by later
 * refusals). The tokens a replica holds when it drops an idle key's proxy are written first
 * ({@link #release}).</li>
 * </ul>
 * k is {@code max-unsynchronized-tokens} when set; by default it follows from the limit
 * ({@link #unsynchronizedTokensFor}): 1 % of the smaller of rate and burst, so a key's database
 * cost is about 100 transactions per second per replica however fast it is used, and a limit
 * under 100 (the defaults, 20/s and 40) stays exact.
 * </ul>
 *
 * <p>A row is written with {@code expires_at}: the moment its bucket will have been full again for
 * {@link #KEEP_AFTER_REFILL}. A bucket past it is the same as a new one, so such rows are deleted
 * ({@link #removeExpired()}); the table holds the keys used in the last minute or so.
 */
@ApplicationScoped
public class RateLimitBuckets {

    static final String TABLE = "rate_limit_buckets";
    /** How long a full bucket's row is kept before it may be deleted; only the table's size depends on it. */
    static final Duration KEEP_AFTER_REFILL = Duration.ofMinutes(1);
    /** Statement timeout: a bucket row locked for longer than this is a database in trouble. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(1);
    /** With unsynchronized tokens: the longest a replica decides from its copy before it writes to the row. */
    static final Duration MAX_UNSYNCHRONIZED_TIME = Duration.ofSeconds(1);
    /** By default a replica may decide alone for 1 / this of a key's limit ({@link #unsynchronizedTokensFor}). */
    static final long UNSYNCHRONIZED_SHARE_DIVISOR = 100;
    private static final int DELETE_BATCH = 1_000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final Optimization optimization;
    private final long maxUnsynchronizedTokens;

    /**
     * @param clock the wall clock every replica refills by (Bucket4j refuses any other for a
     *        shared bucket); the state in the row carries the last refill's time on it
     */
    @Inject
    public RateLimitBuckets(DataSource dataSource, TimeMeter clock, GatewayConfig config) {
        this(dataSource, clock, config.rateLimit());
    }

    /** Buckets for this limit: its {@code max-unsynchronized-tokens} when set, else the share that follows from it. */
    public RateLimitBuckets(DataSource dataSource, TimeMeter clock, GatewayConfig.RateLimit limit) {
        this(dataSource, clock, limit.maxUnsynchronizedTokens().orElseGet(
                () -> unsynchronizedTokensFor(limit.requestsPerSecond(), limit.burst())));
    }

    /**
     * The default {@code max-unsynchronized-tokens} for a limit: 1 % of the smaller of rate and
     * burst, rounded down. The database then carries a key's decisions at about 100 transactions
     * per second per replica (plus one a second, {@link #MAX_UNSYNCHRONIZED_TIME}) rather than one per
     * request, while N replicas can let through at most N % of the burst, and N % of a second's
     * rate, more than the limit. Limits under 100 get 0: exact, as every token is then worth a round trip.
     */
    public static long unsynchronizedTokensFor(long requestsPerSecond, long burst) {
        return Math.max(0, Math.min(requestsPerSecond, burst)) / UNSYNCHRONIZED_SHARE_DIVISOR;
    }

    /** Exact buckets (k = 0): every token is taken in the database. */
    public RateLimitBuckets(DataSource dataSource, TimeMeter clock) {
        this(dataSource, clock, 0);
    }

    /**
     * @param maxUnsynchronizedTokens how many tokens a replica may take from its copy of a bucket
     *        before it writes them to the row; 0: none (exact)
     */
    public RateLimitBuckets(DataSource dataSource, TimeMeter clock, long maxUnsynchronizedTokens) {
        if (maxUnsynchronizedTokens < 0) {
            throw new IllegalArgumentException("miteos.rate-limit.max-unsynchronized-tokens must be 0 or positive, not "
                    + maxUnsynchronizedTokens);
        }
        this.maxUnsynchronizedTokens = maxUnsynchronizedTokens;
        // Both read the clock the buckets refill by, so that a copy refills as the row does.
        this.optimization = maxUnsynchronizedTokens == 0
                ? new SkipSyncOnZeroOptimization(NopeOptimizationListener.INSTANCE, clock)
                : new DelayOptimization(new DelayParameters(maxUnsynchronizedTokens, MAX_UNSYNCHRONIZED_TIME),
                        NopeOptimizationListener.INSTANCE, clock);
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(TABLE)
                .clientClock(clock)
                .requestTimeout(STATEMENT_TIMEOUT)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL))
                .build();
    }

    /**
     * The key's shared bucket: a proxy that reads and writes the key's row (created with the
     * configuration on first use). Keep it for the key's next requests: its copy of the bucket and
     * its batching live in it.
     */
    public Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.builder().withOptimization(optimization).build(key, () -> configuration);
    }

    /**
     * Writes the tokens a proxy took from its copy and has not written yet, before it is dropped;
     * nothing to do (no round trip) without unsynchronized tokens. Blocking.
     */
    public void release(Bucket bucket) {
        if (maxUnsynchronizedTokens > 0 && bucket instanceof BucketProxy proxy) {
            proxy.getOptimizationController().syncByCondition(1, Duration.ZERO);
        }
    }

    /** Deletes the rows of buckets that have been full for a while, in batches. Blocking; answers how many. */
    public int removeExpired() {
        int total = 0;
        int removed;
        do {
            removed = buckets.removeExpired(DELETE_BATCH);
            total += removed;
        } while (removed == DELETE_BATCH);
        return total;
    }
}
