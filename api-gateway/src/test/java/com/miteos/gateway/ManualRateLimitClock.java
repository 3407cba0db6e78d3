package com.miteos.gateway;

import io.github.bucket4j.TimeMeter;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rate limit's clock for tests that enable it (a test profile's enabled alternatives): it
 * stands still until the test moves it, so buckets refill by exactly what the test says and not
 * by how long a busy machine took to send the requests. It starts at the wall clock's time and
 * calls itself wall-clock based, as the shared buckets require (their rows carry the time of the
 * last refill); only this one JVM reads it.
 */
@Alternative
@Singleton
public class ManualRateLimitClock implements TimeMeter {

    private final AtomicLong nanos = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
