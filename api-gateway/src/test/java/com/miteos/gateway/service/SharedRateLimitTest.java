package com.miteos.gateway.service;

import com.miteos.gateway.repository.RateLimitBuckets;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared buckets ({@code miteos.rate-limit.store=shared}) over the test database: two limiters
 * stand for two gateway replicas, each with its own proxies and batching, on one table. One
 * bucket per key for both; at ten times a key's limit over both for a few seconds, what passes is
 * the limit (not twice it) and the limit is usable; an empty bucket is refused without a round trip
 * until its next token is due; unsynchronized tokens spare round trips and overshoot by at most
 * their share per replica; idle keys' rows are deleted.
 */
@QuarkusTest
class SharedRateLimitTest {

    @Inject
    DataSource dataSource;

    private final AtomicLong nanos = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    /** A wall-clock time that stands still unless the test moves it (both "replicas" read it). */
    private final TimeMeter standingClock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };

    @Test
    void twoGatewaysTakeFromTheKeysOneBucket() {
        ApiKeyRateLimiter first = replica(5, 5, standingClock);
        ApiKeyRateLimiter second = replica(5, 5, standingClock);
        String key = newKey();

        for (int left = 4; left >= 2; left--) {
            assertThat(first.tryAcquire(key).remaining()).isEqualTo(left);
        }
        assertThat(second.tryAcquire(key).remaining()).as("what the first replica left").isEqualTo(1);
        assertThat(first.tryAcquire(key).allowed()).isTrue();
        assertThat(second.tryAcquire(key).allowed()).as("the bucket is empty for both").isFalse();
        assertThat(first.tryAcquire(key).allowed()).isFalse();

        nanos.addAndGet(Duration.ofMillis(200).toNanos());
        assertThat(second.tryAcquire(key).allowed()).as("one token refilled, for either").isTrue();
        assertThat(first.tryAcquire(key).allowed()).isFalse();
    }

    /**
     * Exact buckets (no unsynchronized tokens): every token is taken in the database, but once a
     * replica has seen the bucket empty it refuses from its copy, without a round trip, until the
     * copy's next token is due; then it asks the database again.
     */
    @Test
    void anEmptyBucketIsRefusedWithoutARoundTripUntilItsNextTokenIsDue() {
        CountingDataSource counted = new CountingDataSource(dataSource);
        ApiKeyRateLimiter replica = new ApiKeyRateLimiter(5, 5, standingClock,
                new RateLimitBuckets(counted.proxy(), standingClock));
        String key = newKey();
        for (int i = 0; i < 5; i++) {
            assertThat(replica.tryAcquire(key).allowed()).isTrue();
        }
        assertThat(replica.tryAcquire(key).allowed()).isFalse();
        long connections = counted.connections();

        for (int i = 0; i < 20; i++) {
            assertThat(replica.tryAcquire(key).allowed()).isFalse();
        }
        assertThat(counted.connections()).as("refusals decided from the empty copy").isEqualTo(connections);

        nanos.addAndGet(Duration.ofMillis(200).toNanos());
        assertThat(replica.tryAcquire(key).allowed()).as("the token due now").isTrue();
        assertThat(counted.connections()).as("taken in the database").isEqualTo(connections + 1);
    }

    /**
     * With k unsynchronized tokens, a replica takes up to k tokens from its copy between two
     * transactions: fewer round trips, and two replicas can spend the same tokens, at most 2 × k
     * more than the bucket held.
     */
    @Test
    void unsynchronizedTokensSpareRoundTripsAndOvershootByAtMostTheReplicasShare() {
        long k = 3;
        CountingDataSource counted = new CountingDataSource(dataSource);
        ApiKeyRateLimiter first = new ApiKeyRateLimiter(5, 5, standingClock,
                new RateLimitBuckets(counted.proxy(), standingClock, k));
        ApiKeyRateLimiter second = new ApiKeyRateLimiter(5, 5, standingClock,
                new RateLimitBuckets(dataSource, standingClock, k));
        String key = newKey();

        assertThat(first.tryAcquire(key).allowed()).isTrue();
        assertThat(second.tryAcquire(key).allowed()).isTrue();
        long connections = counted.connections();
        int accepted = 2;
        for (int i = 0; i < k; i++) {
            accepted += (first.tryAcquire(key).allowed() ? 1 : 0) + (second.tryAcquire(key).allowed() ? 1 : 0);
        }
        assertThat(counted.connections()).as("k requests decided from the copy").isEqualTo(connections);
        for (int i = 0; i < 20; i++) {
            accepted += (first.tryAcquire(key).allowed() ? 1 : 0) + (second.tryAcquire(key).allowed() ? 1 : 0);
        }

        assertThat(accepted).as("accepted from a bucket of 5 by two replicas with k = %d", k)
                .isGreaterThan(5).isLessThanOrEqualTo((int) (5 + 2 * k));
    }

    /** The tokens a proxy took from its copy are in the row once it is released (dropped by its replica). */
    @Test
    void aReleasedProxyWritesTheTokensItTookFromItsCopy() {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(5).refillGreedy(5, Duration.ofSeconds(1)).build()).build();
        RateLimitBuckets delayed = new RateLimitBuckets(dataSource, standingClock, 3);
        RateLimitBuckets exact = new RateLimitBuckets(dataSource, standingClock);
        String key = newKey();
        Bucket proxy = delayed.bucket(key, configuration);
        assertThat(proxy.tryConsume(1)).isTrue();
        assertThat(proxy.tryConsume(1)).isTrue();
        assertThat(proxy.tryConsume(1)).isTrue();
        assertThat(exact.bucket(key, configuration).getAvailableTokens()).as("before the release").isEqualTo(4);

        delayed.release(proxy);

        assertThat(exact.bucket(key, configuration).getAvailableTokens()).as("after the release").isEqualTo(2);
    }

    /**
     * Two replicas, eight threads each, send requests of one key as fast as they are answered for
     * three seconds of real time (the wall clock, as in production): at least ten times the key's
     * limit. Accepted must stay within 5 % above what the bucket allows over the whole run (burst +
     * rate × seconds), and reach at least 90 % of what it allows between the end of the first
     * decision (the bucket exists by then) and the start of the last one.
     */
    @Test
    void atTenTimesTheLimitOverTwoGatewaysWhatPassesIsTheLimit() throws Exception {
        long rate = 20;
        long burst = 20;
        Duration load = Duration.ofSeconds(3);
        int threadsPerReplica = 8;
        TimeMeter wallClock = TimeMeter.SYSTEM_MILLISECONDS;
        List<ApiKeyRateLimiter> replicas = List.of(replica(rate, burst, wallClock), replica(rate, burst, wallClock));
        String key = newKey();
        AtomicLong offered = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong firstDecisionEnd = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastDecisionStart = new AtomicLong(Long.MIN_VALUE);
        ExecutorService threads = Executors.newFixedThreadPool(threadsPerReplica * replicas.size());
        List<Callable<Void>> senders = new ArrayList<>();
        for (ApiKeyRateLimiter replica : replicas) {
            for (int i = 0; i < threadsPerReplica; i++) {
                senders.add(() -> {
                    long end = System.nanoTime() + load.toNanos();
                    long now;
                    while ((now = System.nanoTime()) - end < 0) {
                        long started = now;
                        lastDecisionStart.accumulateAndGet(started, Math::max);
                        offered.incrementAndGet();
                        if (replica.tryAcquire(key).allowed()) {
                            accepted.incrementAndGet();
                        }
                        firstDecisionEnd.accumulateAndGet(System.nanoTime(), Math::min);
                    }
                    return null;
                });
            }
        }

        long start = System.nanoTime();
        try {
            for (Future<Void> sender : threads.invokeAll(senders)) {
                sender.get();
            }
        } finally {
            threads.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        double allowed = burst + rate * seconds;
        double allowedWhileInUse = burst + rate * (lastDecisionStart.get() - firstDecisionEnd.get()) / 1e9;
        System.out.printf("shared rate limit at %.0fx load over 2 replicas: offered %d requests in %.2f s"
                        + " (%.0f/s against a limit of %d/s, burst %d): accepted %d; the limit allows %.1f"
                        + " (%.1f while the bucket was in use): %.3f of it%n",
                offered.get() / seconds / rate, offered.get(), seconds, offered.get() / seconds, rate, burst,
                accepted.get(), allowed, allowedWhileInUse, accepted.get() / allowed);
        assertThat(offered.get() / seconds).as("offered requests per second").isGreaterThanOrEqualTo(10.0 * rate);
        assertThat((double) accepted.get()).as("accepted, against the limit of %.1f", allowed)
                .isLessThanOrEqualTo(1.05 * allowed)
                .isGreaterThanOrEqualTo(0.9 * allowedWhileInUse);
    }

    /**
     * A bucket whose row has expired (it has been full for a while) is deleted, and the key then
     * starts again from a full bucket; a bucket in use stays.
     */
    @Test
    void idleBucketsRowsAreDeleted() throws SQLException {
        RateLimitBuckets store = new RateLimitBuckets(dataSource, standingClock);
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(5, 5, standingClock, store);
        String idle = newKey();
        String busy = newKey();
        limiter.tryAcquire(idle);
        limiter.tryAcquire(busy);
        assertThat(rowExists(busy)).as("a row per key").isTrue();
        execute("UPDATE rate_limit_buckets SET expires_at = 0 WHERE id = ?", idle);

        assertThat(store.removeExpired()).isGreaterThanOrEqualTo(1);

        assertThat(rowExists(idle)).isFalse();
        assertThat(rowExists(busy)).as("a bucket not yet full is kept").isTrue();
        assertThat(limiter.tryAcquire(idle).remaining()).as("a deleted bucket comes back full").isEqualTo(4);
    }

    /** A data source that counts the connections taken from it: one per database round trip of a bucket. */
    private record CountingDataSource(DataSource target, AtomicLong count) {

        CountingDataSource(DataSource target) {
            this(target, new AtomicLong());
        }

        DataSource proxy() {
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("getConnection")) {
                            count.incrementAndGet();
                        }
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        long connections() {
            return count.get();
        }
    }

    private ApiKeyRateLimiter replica(long rate, long burst, TimeMeter clock) {
        return new ApiKeyRateLimiter(rate, burst, clock, new RateLimitBuckets(dataSource, clock));
    }

    private static String newKey() {
        return "key_test_" + UUID.randomUUID();
    }

    private boolean rowExists(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT 1 FROM rate_limit_buckets WHERE id = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private void execute(String sql, String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            statement.executeUpdate();
        }
    }
}
