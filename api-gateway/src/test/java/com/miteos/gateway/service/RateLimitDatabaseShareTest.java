package com.miteos.gateway.service;

import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.repository.RateLimitBuckets;
import io.github.bucket4j.TimeMeter;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the shared buckets cost the database when {@code max-unsynchronized-tokens} is left unset,
 * as the gateway builds them from its limit: a high limit is decided by each replica from its copy
 * for 1 % of the limit between two transactions (not a transaction per request), two replicas then
 * overshoot by at most that share each, a limit under 100 stays exact (a transaction per token), and
 * a value that is set wins.
 */
@QuarkusTest
class RateLimitDatabaseShareTest {

    @Inject
    DataSource dataSource;

    private final AtomicLong nanos = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    /** A wall-clock time that stands still: no token refills during a test. */
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
    void theShareIsOnePercentOfTheSmallerOfRateAndBurstAndNoneUnder100() {
        assertThat(RateLimitBuckets.unsynchronizedTokensFor(20, 40)).as("the default limit").isZero();
        assertThat(RateLimitBuckets.unsynchronizedTokensFor(99, 1_000)).isZero();
        assertThat(RateLimitBuckets.unsynchronizedTokensFor(1_000, 1_000)).isEqualTo(10);
        assertThat(RateLimitBuckets.unsynchronizedTokensFor(5_000, 200)).as("a small burst bounds it").isEqualTo(2);
        assertThat(RateLimitBuckets.unsynchronizedTokensFor(1_000_000, 1_000_000)).isEqualTo(10_000);
    }

    @Test
    void aHighLimitIsDecidedFromTheCopyForOnePercentOfItBetweenTwoTransactions() {
        Connections counted = new Connections(dataSource);
        ApiKeyRateLimiter replica = new ApiKeyRateLimiter(1_000, 1_000, standingClock,
                new RateLimitBuckets(counted.proxy(), standingClock, limit(1_000, 1_000, Optional.empty())));
        String key = newKey();

        assertThat(replica.tryAcquire(key).allowed()).as("the first request creates the row").isTrue();
        long created = counted.taken();
        for (int i = 0; i < 10; i++) {
            assertThat(replica.tryAcquire(key).allowed()).isTrue();
        }
        assertThat(counted.taken()).as("10 tokens (1 %% of 1,000) taken from the copy").isEqualTo(created);
        assertThat(replica.tryAcquire(key).allowed()).isTrue();
        assertThat(counted.taken()).as("the next one is written with the 10 before it").isEqualTo(created + 1);
    }

    @Test
    void twoReplicasOvershootAHighLimitByAtMostTheirShares() {
        long limit = 500;
        long share = RateLimitBuckets.unsynchronizedTokensFor(limit, limit);
        ApiKeyRateLimiter first = new ApiKeyRateLimiter(limit, limit, standingClock,
                new RateLimitBuckets(dataSource, standingClock, limit(limit, limit, Optional.empty())));
        ApiKeyRateLimiter second = new ApiKeyRateLimiter(limit, limit, standingClock,
                new RateLimitBuckets(dataSource, standingClock, limit(limit, limit, Optional.empty())));
        String key = newKey();

        int accepted = 0;
        for (int i = 0; i < 2 * limit; i++) {
            accepted += (first.tryAcquire(key).allowed() ? 1 : 0) + (second.tryAcquire(key).allowed() ? 1 : 0);
        }

        assertThat(share).isEqualTo(5);
        assertThat(accepted).as("accepted from a bucket of %d by two replicas deciding %d each alone", limit, share)
                .isGreaterThanOrEqualTo((int) limit).isLessThanOrEqualTo((int) (limit + 2 * share));
    }

    @Test
    void aLimitUnder100StaysExact() {
        Connections counted = new Connections(dataSource);
        ApiKeyRateLimiter replica = new ApiKeyRateLimiter(20, 40, standingClock,
                new RateLimitBuckets(counted.proxy(), standingClock, limit(20, 40, Optional.empty())));
        String key = newKey();

        assertThat(replica.tryAcquire(key).allowed()).as("the first request creates the row").isTrue();
        long created = counted.taken();
        for (int i = 1; i <= 5; i++) {
            assertThat(replica.tryAcquire(key).allowed()).isTrue();
            assertThat(counted.taken()).as("a transaction per token").isEqualTo(created + i);
        }
    }

    @Test
    void aValueThatIsSetWins() {
        Connections counted = new Connections(dataSource);
        ApiKeyRateLimiter replica = new ApiKeyRateLimiter(1_000, 1_000, standingClock,
                new RateLimitBuckets(counted.proxy(), standingClock, limit(1_000, 1_000, Optional.of(0L))));
        String key = newKey();

        assertThat(replica.tryAcquire(key).allowed()).as("the first request creates the row").isTrue();
        long created = counted.taken();
        for (int i = 1; i <= 5; i++) {
            assertThat(replica.tryAcquire(key).allowed()).isTrue();
        }
        assertThat(counted.taken()).as("0 set: exact").isEqualTo(created + 5);
    }

    private static GatewayConfig.RateLimit limit(long requestsPerSecond, long burst, Optional<Long> unsynchronized) {
        return new GatewayConfig.RateLimit() {
            @Override
            public long requestsPerSecond() {
                return requestsPerSecond;
            }

            @Override
            public long burst() {
                return burst;
            }

            @Override
            public Store store() {
                return Store.SHARED;
            }

            @Override
            public Optional<Long> maxUnsynchronizedTokens() {
                return unsynchronized;
            }
        };
    }

    /** A data source that counts the connections taken from it: one per database round trip of a bucket. */
    private record Connections(DataSource target, AtomicLong count) {

        Connections(DataSource target) {
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

        long taken() {
            return count.get();
        }
    }

    private static String newKey() {
        return "key_test_" + UUID.randomUUID();
    }
}
