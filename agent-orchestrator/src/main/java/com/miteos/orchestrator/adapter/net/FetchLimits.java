package com.miteos.orchestrator.adapter.net;

import java.time.Duration;

/**
 * How much one fetch may cost: an agent's tool call must neither hang its loop nor fill the
 * orchestrator's memory, whatever the server at the other end does.
 *
 * @param connectTimeout how long to wait for a TCP (and TLS) connection, per hop
 * @param totalTimeout   wall-clock limit of the whole fetch: lookups, every redirect hop and the body
 * @param maxBytes       how many body bytes are read at most; the rest is never read
 * @param maxRedirects   how many redirects are followed; one more is a refusal
 */
public record FetchLimits(Duration connectTimeout, Duration totalTimeout, int maxBytes, int maxRedirects) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
    public static final int DEFAULT_MAX_REDIRECTS = 5;

    public FetchLimits {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || totalTimeout.isNegative()
                || totalTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxBytes < 0 || maxRedirects < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    public static FetchLimits defaults() {
        return new FetchLimits(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, DEFAULT_MAX_BYTES,
                DEFAULT_MAX_REDIRECTS);
    }
}
