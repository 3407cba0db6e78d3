package com.miteos.gateway.service;

import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the event streams each API key holds open on this gateway and refuses one past
 * {@code miteos.streams.max-per-key}: a stream holds a connection and a place in every poll, so one
 * key must not take them all. The count is per replica (a stream lives on one); the README says so.
 */
@ApplicationScoped
public class StreamQuota {

    private final int maxPerKey;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    public StreamQuota(GatewayConfig config) {
        this.maxPerKey = config.streams().maxPerKey();
    }

    /** Takes a place for the key, or throws the 429 problem when it holds its maximum already. */
    public void acquire(String keyId) {
        AtomicBoolean admitted = new AtomicBoolean();
        open.compute(keyId, (k, count) -> {
            int held = count == null ? 0 : count;
            if (held >= maxPerKey) {
                return count;
            }
            admitted.set(true);
            return held + 1;
        });
        if (!admitted.get()) {
            throw new ApiProblem(429, "too-many-streams", "Too many open streams",
                    "This API key already has " + maxPerKey + " event streams open; close one before opening another.");
        }
    }

    /** Gives a place back; called once per successful {@link #acquire}. */
    public void release(String keyId) {
        open.computeIfPresent(keyId, (k, count) -> count <= 1 ? null : count - 1);
    }

    /** How many streams the key holds open here (for tests and metrics). */
    public int openStreams(String keyId) {
        Integer count = open.get(keyId);
        return count == null ? 0 : count;
    }
}
