package com.miteos.gateway.service;

import com.miteos.gateway.repository.RateLimitBuckets;
import com.miteos.gateway.service.ApiKeyRateLimiter.Decision;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The token bucket per key, on a clock the test moves by hand: in memory ({@code local}), and in
 * {@code shared} mode while the database is unreachable. The shared buckets themselves are
 * {@code SharedRateLimitTest}.
 */
class ApiKeyRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    /** Wall-clock based as far as Bucket4j can tell (shared buckets accept no other), though it stands still. */
    private final TimeMeter clock = new TimeMeter() {
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
    void aNewKeyGetsExactlyItsBurstThenIsRefusedWithRetryAfter() {
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(5, 5, clock);

        for (int left = 4; left >= 0; left--) {
            Decision decision = limiter.tryAcquire("key_a");
            assertThat(decision.allowed()).isTrue();
            assertThat(decision.remaining()).isEqualTo(left);
            assertThat(decision.limit()).isEqualTo(5);
        }
        Decision refused = limiter.tryAcquire("key_a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void theBucketRefillsAtTheConfiguredRate() {
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(5, 5, clock);
        drain(limiter, "key_a");

        advance(Duration.ofMillis(200));
        assertThat(limiter.tryAcquire("key_a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("key_a").allowed()).isFalse();

        advance(Duration.ofSeconds(10));
        assertThat(drain(limiter, "key_a")).as("a refilled bucket holds no more than its burst").isEqualTo(5);
    }

    @Test
    void retryAfterIsWholeSecondsAndNeverZero() {
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(1, 3, clock);
        drain(limiter, "key_a");

        advance(Duration.ofMillis(900));
        assertThat(limiter.tryAcquire("key_a").retryAfterSeconds()).isEqualTo(1);
        advance(Duration.ofMillis(99));
        assertThat(limiter.tryAcquire("key_a").retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(5, 5, clock);
        drain(limiter, "key_a");

        Decision other = limiter.tryAcquire("key_b");
        assertThat(other.allowed()).isTrue();
        assertThat(other.remaining()).isEqualTo(4);
    }

    @Test
    void zeroTurnsTheLimitOffAndNegativeValuesAreRefused() {
        ApiKeyRateLimiter off = new ApiKeyRateLimiter(0, 40, clock);
        assertThat(off.enabled()).isFalse();
        for (int i = 0; i < 1_000; i++) {
            assertThat(off.tryAcquire("key_a").allowed()).isTrue();
        }
        assertThat(new ApiKeyRateLimiter(20, 0, clock).enabled()).isFalse();
        assertThatThrownBy(() -> new ApiKeyRateLimiter(-1, 40, clock)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBurstSmallerThanTheRateStillCapsTheBucket() {
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(100, 2, clock);
        advance(Duration.ofSeconds(5));
        assertThat(drain(limiter, "key_a")).isEqualTo(2);
        advance(Duration.ofMillis(10));
        assertThat(drain(limiter, "key_a")).isEqualTo(1);
    }

    /**
     * Idle buckets are forgotten after the time they take to refill, and that time is measured on
     * the limiter's clock too: a bucket that real time alone forgot would come back full while its
     * clock says no token is due. Here the limiter's clock stands still while more than that idle
     * time (1 s) passes for real; the passage of real time is what is tested, so the wait is a
     * sleep, and any longer wait on a busy machine proves the same.
     */
    @Test
    void realTimeAloneNeverRefillsABucket() throws InterruptedException {
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(1, 1, clock);
        drain(limiter, "key_a");

        Thread.sleep(1_500);

        assertThat(limiter.tryAcquire("key_a").allowed()).isFalse();
    }

    /**
     * Shared buckets that cannot be reached (nothing listens on the database's port): the limiter
     * neither refuses every request nor lets every request through, it limits the key from this
     * instance's memory, exactly as {@code local} would.
     */
    @Test
    void whenTheSharedBucketsAreUnreachableTheKeyIsLimitedFromMemory() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setServerNames(new String[] {"127.0.0.1"});
        nowhere.setPortNumbers(new int[] {1});
        nowhere.setDatabaseName("nowhere");
        nowhere.setConnectTimeout(1);
        ApiKeyRateLimiter limiter = new ApiKeyRateLimiter(5, 5, clock, new RateLimitBuckets(nowhere, clock));
        assertThat(limiter.shared()).isTrue();

        assertThat(drain(limiter, "key_a")).as("the burst, from memory").isEqualTo(5);
        Decision refused = limiter.tryAcquire("key_a");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);

        advance(Duration.ofMillis(200));
        assertThat(limiter.tryAcquire("key_a").allowed()).as("one token refilled").isTrue();
        assertThat(limiter.tryAcquire("key_b").remaining()).as("other keys have their own").isEqualTo(4);
    }

    /** Takes requests until the key is refused; answers how many were allowed. */
    private static int drain(ApiKeyRateLimiter limiter, String key) {
        int allowed = 0;
        while (limiter.tryAcquire(key).allowed()) {
            allowed++;
        }
        return allowed;
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
