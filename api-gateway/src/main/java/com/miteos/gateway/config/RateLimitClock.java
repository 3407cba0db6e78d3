package com.miteos.gateway.config;

import com.miteos.gateway.config.GatewayConfig.RateLimit.Store;
import io.github.bucket4j.TimeMeter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The clock the rate limit's token buckets refill by, and by which idle buckets are forgotten. It
 * is a bean of its own so that the limiter does not pick its time source itself; a test profile
 * replaces it with a clock it moves by hand, so that what the limit allows depends on no machine's
 * speed.
 *
 * <p>Buckets in memory ({@code local}) refill by the JVM's monotonic clock. Shared buckets are
 * written by every replica, each reading its own clock, so that clock must be the wall clock
 * (Bucket4j refuses any other for a distributed bucket): replicas whose clocks disagree by d give
 * a key at most d × rate requests more or less, a few at worst with NTP.
 */
public class RateLimitClock {

    @Produces
    @Singleton
    TimeMeter rateLimitClock(GatewayConfig config) {
        return config.rateLimit().store() == Store.SHARED ? TimeMeter.SYSTEM_MILLISECONDS : TimeMeter.SYSTEM_NANOTIME;
    }
}
