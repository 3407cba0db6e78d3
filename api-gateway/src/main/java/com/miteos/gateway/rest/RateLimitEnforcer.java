package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.metrics.GatewayMetrics;
import com.miteos.gateway.service.ApiKeyRateLimiter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies the per-key rate limit to an authenticated {@code /v1} request. Both ways into the
 * API use it, the REST layer ({@link AuthenticationFilter}) and the streaming download route,
 * so no endpoint escapes the limit. It tells the client where it stands on every response
 * ({@code RateLimit-Limit}, {@code RateLimit-Remaining}) and when to come back on a 429
 * ({@code Retry-After}).
 */
@ApplicationScoped
public class RateLimitEnforcer {

    public static final String LIMIT_HEADER = "RateLimit-Limit";
    public static final String REMAINING_HEADER = "RateLimit-Remaining";
    public static final String RETRY_AFTER_HEADER = "Retry-After";

    private final ApiKeyRateLimiter limiter;
    private final GatewayMetrics metrics;

    public RateLimitEnforcer(ApiKeyRateLimiter limiter, GatewayMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /**
     * Completes when the request may go on, or fails with the 429 problem to answer. Either way
     * the rate-limit headers are on the response by then. It never blocks the caller's thread, and
     * completes on the caller's Vert.x context.
     */
    Uni<Void> admit(Caller caller, HttpServerResponse response) {
        if (!limiter.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return limiter.acquire(caller.keyId()).map(decision -> {
            response.putHeader(LIMIT_HEADER, Long.toString(decision.limit()));
            response.putHeader(REMAINING_HEADER, Long.toString(decision.remaining()));
            if (!decision.allowed()) {
                metrics.rejected(caller.mode(), GatewayMetrics.REQUEST_RATE);
                response.putHeader(RETRY_AFTER_HEADER, Long.toString(decision.retryAfterSeconds()));
                throw new ApiProblem(429, "rate-limited", "Too many requests", "This API key may make "
                        + decision.requestsPerSecond() + " requests per second, in bursts of up to "
                        + decision.limit() + "; retry in " + decision.retryAfterSeconds() + " s.");
            }
            return null;
        });
    }
}
