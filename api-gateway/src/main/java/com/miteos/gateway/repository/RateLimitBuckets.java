package com.miteos.gateway.repository;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
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
 * <p>Every call blocks on JDBC: callers run it off the event loop. Concurrent calls on one proxy
 * are batched (Bucket4j's {@code batching} optimization): while one transaction is under way, the
 * requests that arrive meanwhile wait and then go to the database together, in one transaction. A
 * key's proxy must therefore be kept and reused, not rebuilt per request.
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
    private static final int DELETE_BATCH = 1_000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;

    /**
     * @param clock the wall clock every replica refills by (Bucket4j refuses any other for a
     *        shared bucket); the state in the row carries the last refill's time on it
     */
    @Inject
    public RateLimitBuckets(DataSource dataSource, TimeMeter clock) {
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
     * The key's shared bucket: a proxy whose every call reads and writes the key's row (created
     * with the configuration on first use). Keep it for the key's next requests: batching lives in it.
     */
    public Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.builder().withOptimization(Optimizations.batching()).build(key, () -> configuration);
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
