package com.miteos.e2e.scale;

import com.miteos.e2e.crash.CrashApi;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submits tasks of one account as fast as the gateways take them, to test the active-task cap
 * across gateway replicas. Every submission has its own {@code Idempotency-Key}; a {@code 429
 * rate-limited} (the key's own rate limit, not what is under test), a 5xx or a failed connection
 * is retried with the same key, so each submission ends either accepted (201) or refused with
 * {@code 429 too-many-active-tasks}. The tasks wait for a plan approval that never comes
 * (autonomy 10), so every accepted one stays unfinished until it is cancelled.
 */
public final class CapSubmitter {

    private static final String TOO_MANY = "too-many-active-tasks";
    /** The cap's problem detail (api-gateway's ActiveTaskLimit). */
    private static final Pattern CAP_DETAIL = Pattern.compile("at most (\\d+) may run at once");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_FAILED_ATTEMPTS = 5;
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    /** A sandbox task that pauses for its plan's approval and stays paused. */
    public static final Map<String, Object> WAITING_TASK = Map.of(
            "prompt", "Compare three vector databases in a Markdown report.",
            "config", Map.of("max_agents", 1, "autonomy_level", 10, "sandbox", Map.of("step_delay_ms", 0)));

    private final List<CrashApi> clients;
    private final String runId;
    private final AtomicInteger sequence = new AtomicInteger();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private volatile int reportedCap = -1;

    /**
     * @param clients one per (key, gateway); submission i goes through client i mod n, so
     *                consecutive submissions use another gateway
     */
    public CapSubmitter(List<CrashApi> clients, String runId) {
        this.clients = List.copyOf(clients);
        this.runId = runId;
    }

    /** Submits {@code count} tasks at once from {@code threads} threads; answers how many were accepted. */
    public int burst(int count, int threads) throws InterruptedException {
        int before = accepted.size();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < count; i++) {
                pool.submit(() -> {
                    start.await();
                    submitOne();
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
        }
        if (!pool.awaitTermination(PATIENCE.toMinutes() + 1, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            throw new IllegalStateException("submissions still under way after " + PATIENCE.toMinutes() + " min");
        }
        return accepted.size() - before;
    }

    /** One submission to its end: true when accepted, false when refused by the cap. */
    public boolean submitOne() throws InterruptedException {
        int i = sequence.getAndIncrement();
        CrashApi api = clients.get(i % clients.size());
        String key = runId + "-" + i;
        Instant deadline = Instant.now().plus(PATIENCE);
        int failed = 0;
        while (Instant.now().isBefore(deadline)) {
            Duration pause = Duration.ofSeconds(1);
            try {
                CrashApi.Answer answer = api.post("/v1/tasks", WAITING_TASK, key, TIMEOUT);
                if (answer.status() == 201) {
                    accepted.add(answer.body().path("id").asText());
                    return true;
                }
                if (answer.status() == 429 && TOO_MANY.equals(answer.problem())) {
                    Matcher cap = CAP_DETAIL.matcher(answer.body().path("detail").asText());
                    if (cap.find()) {
                        reportedCap = Integer.parseInt(cap.group(1));
                    }
                    refused.incrementAndGet();
                    return false;
                }
                if (answer.status() == 429) {
                    pause = answer.retryAfter().orElse(pause);
                } else if (!answer.isServerError()) {
                    throw new IllegalStateException("POST /v1/tasks answered " + answer.status() + " " + answer.body());
                } else {
                    failed++;
                    failures.merge("http " + answer.status(), 1, Integer::sum);
                }
            } catch (IOException e) {
                failed++;
                failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            }
            if (failed >= MAX_FAILED_ATTEMPTS) {
                throw new IllegalStateException("submission " + key + " failed " + failed + " times: " + failures);
            }
            retries.incrementAndGet();
            Thread.sleep(pause.toMillis());
        }
        throw new IllegalStateException("submission " + key + " neither accepted nor refused within " + PATIENCE);
    }

    /** Cancels every accepted task (the cap's account is left with nothing running); answers how many failed. */
    public int cancelAll() throws InterruptedException {
        int failed = 0;
        int i = 0;
        for (String id : accepted) {
            CrashApi api = clients.get(i++ % clients.size());
            if (!cancel(api, id)) {
                failed++;
            }
        }
        return failed;
    }

    private static boolean cancel(CrashApi api, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            Duration pause = Duration.ofSeconds(1);
            try {
                CrashApi.Answer answer = api.post("/v1/tasks/" + id + "/cancel", Map.of(), null, TIMEOUT);
                if (answer.status() == 200) {
                    return true;
                }
                if (answer.status() == 429) {
                    pause = answer.retryAfter().orElse(pause);
                } else if (!answer.isServerError()) {
                    return false;
                }
            } catch (IOException e) {
                // ask again in a moment
            }
            Thread.sleep(pause.toMillis());
        }
        return false;
    }

    public Set<String> accepted() {
        return Set.copyOf(accepted);
    }

    public int refused() {
        return refused.get();
    }

    public int retries() {
        return retries.get();
    }

    /** The cap the gateways named in their refusals, or -1 before the first refusal. */
    public int reportedCap() {
        return reportedCap;
    }
}
