package com.miteos.gateway.config;

import io.github.bucket4j.TimeMeter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The clock the rate limit's token buckets refill by, and by which idle buckets are forgotten:
 * the JVM's monotonic nanosecond clock. It is a bean of its own so that the limiter does not pick
 * its time source itself; a test profile replaces it with a clock it moves by hand, so that what
 * the limit allows depends on no machine's speed.
 */
public class RateLimitClock {

    @Produces
    @Singleton
    TimeMeter rateLimitClock() {
        return TimeMeter.SYSTEM_NANOTIME;
    }
}
