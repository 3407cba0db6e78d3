package com.miteos.tasks.config;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/**
 * Webhook registration limits and delivery behaviour; defaults and environment variables are in
 * application.properties (section "Webhooks") and the README's Webhooks section.
 */
@ConfigMapping(prefix = "miteos.webhooks")
public interface WebhookConfig {

    /**
     * The waits between attempts, comma-separated ({@code 5s,5m,30m,2h,5h,10h}): a delivery is
     * tried once plus once per entry, each wait stretched or shrunk by up to 20 % (jitter).
     */
    String retrySchedule();

    /** An endpoint whose deliveries have failed without a single success for this long is disabled. */
    Duration disableAfter();

    /** Connect and whole-request timeout of one attempt. */
    Duration timeout();

    /** How long a claimed delivery stays with its worker; after that another worker takes it over. */
    Duration lease();

    /** How often a worker looks for due deliveries. */
    Duration pollInterval();

    /** Deliveries one worker sends at once, over all endpoints. */
    int maxInFlight();

    /** Deliveries one worker sends at once to one endpoint, so a slow endpoint cannot take every slot. */
    int perEndpointConcurrency();

    /** Endpoints one account may have per mode. */
    int maxEndpointsPerAccount();

    /** The longest URL accepted. */
    int maxUrlLength();

    /** How long the previous secret still signs after a rotation. */
    Duration secretOverlap();

    /** Whether plain-http URLs are accepted (local development only; https otherwise). */
    boolean allowHttp();

    /**
     * Whether loopback addresses (127.0.0.0/8, ::1) count as reachable targets, for a receiver on
     * the same machine in local development and tests. Every other non-public address stays
     * refused. Never turn this on where untrusted accounts register webhooks.
     */
    boolean allowLoopbackTargets();
}
