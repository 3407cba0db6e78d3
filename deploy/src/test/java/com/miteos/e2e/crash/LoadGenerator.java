package com.miteos.e2e.crash;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits the crash test's sandbox tasks from a few threads, spread evenly over a time window,
 * the way a careful client would. Every task has its own {@code Idempotency-Key}. A 5xx, a
 * timeout or a failed connection is retried with the same key, up to {@value #MAX_FAILED_ATTEMPTS}
 * attempts with exponential backoff, and then given up; a 429 (rate limit, active-task cap) is
 * retried after its {@code Retry-After} for up to {@link #LIMIT_PATIENCE}. Only a 201 (also a
 * replayed one) counts as accepted: those are the tasks the platform promised to run.
 */
public final class LoadGenerator {

    static final int MAX_FAILED_ATTEMPTS = 5;
    public static final Duration POST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration LIMIT_PATIENCE = Duration.ofMinutes(2);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    /**
     * A task the gateway acknowledged.
     *
     * @param taskId   its id
     * @param shape    what was submitted
     * @param attempts how many POSTs it took
     * @param replayed whether the 201 that counted was an idempotent replay of an earlier attempt
     */
    public record Accepted(String taskId, TaskShape shape, int attempts, boolean replayed) {
    }

    private final List<CrashApi> apis;
    private final List<TaskShape> shapes;
    private final int tasks;
    private final Duration window;
    private final String keyPrefix;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> givenUp = new ConcurrentHashMap<>();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger limited = new AtomicInteger();
    private volatile Instant start;

    /**
     * @param api       the submitting client
     * @param shapes    the task shapes, used in turn
     * @param tasks     how many tasks to submit
     * @param threads   how many threads submit
     * @param window    the submissions are due evenly over this time
     * @param keyPrefix prefix of the idempotency keys, unique per run
     */
    public LoadGenerator(CrashApi api, List<TaskShape> shapes, int tasks, int threads, Duration window,
            String keyPrefix) {
        this(List.of(api), shapes, tasks, threads, window, keyPrefix);
    }

    /**
     * @param apis the submitting clients (e.g. one per gateway instance): task {@code i} is submitted,
     *             and retried, through {@code apis[i mod n]}
     */
    public LoadGenerator(List<CrashApi> apis, List<TaskShape> shapes, int tasks, int threads, Duration window,
            String keyPrefix) {
        this.apis = List.copyOf(apis);
        this.shapes = List.copyOf(shapes);
        this.tasks = tasks;
        this.window = window;
        this.keyPrefix = keyPrefix;
        for (int t = 0; t < threads; t++) {
            int first = t;
            int stride = threads;
            Thread thread = new Thread(() -> submitEvery(first, stride), "crash-submitter-" + (t + 1));
            thread.setDaemon(true);
            this.threads.add(thread);
        }
    }

    public void start() {
        start = Instant.now();
        threads.forEach(Thread::start);
    }

    /** Waits for every submission to be accepted or given up; false if that took longer than {@code timeout}. */
    public boolean await(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        for (Thread thread : threads) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left > 0) {
                thread.join(left);
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    public void stop() {
        threads.forEach(Thread::interrupt);
    }

    public boolean isRunning() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    /** The accepted tasks by id; a live view while the load runs. */
    public Map<String, Accepted> accepted() {
        return accepted;
    }

    /** Ids of the accepted tasks; a live view while the load runs. */
    public Set<String> acceptedIds() {
        return accepted.keySet();
    }

    /** Submissions given up, by the last reason (e.g. {@code http 503}, {@code timeout}). */
    public Map<String, Integer> givenUp() {
        Map<String, Integer> counts = new TreeMap<>();
        givenUp.forEach((reason, count) -> counts.put(reason, count.get()));
        return counts;
    }

    public int finished() {
        return finished.get();
    }

    public int replayed() {
        return (int) accepted.values().stream().filter(Accepted::replayed).count();
    }

    /** POSTs repeated after a 5xx, a timeout or a failed connection. */
    public int retries() {
        return retries.get();
    }

    /** 429 answers waited out. */
    public int limited() {
        return limited.get();
    }

    private void submitEvery(int first, int stride) {
        try {
            for (int index = first; index < tasks; index += stride) {
                Instant due = start.plus(window.multipliedBy(index).dividedBy(tasks));
                long wait = Duration.between(Instant.now(), due).toMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                try {
                    submit(index);
                } catch (RuntimeException e) {
                    giveUp("harness error: " + e); // reported, never counted as accepted
                }
                finished.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(int index) throws InterruptedException {
        TaskShape shape = shapes.get(index % shapes.size());
        CrashApi api = apis.get(index % apis.size());
        String key = keyPrefix + "-" + index;
        int failedAttempts = 0;
        int attempts = 0;
        Instant limitDeadline = null;
        while (true) {
            attempts++;
            String problem;
            try {
                CrashApi.Answer answer = api.post("/v1/tasks", shape.requestBody(), key, POST_TIMEOUT);
                if (answer.status() == 201) {
                    String id = answer.body().path("id").asText("");
                    if (id.isEmpty()) {
                        giveUp("http 201 without a task id");
                        return;
                    }
                    accepted.put(id, new Accepted(id, shape, attempts, answer.replayed()));
                    return;
                }
                if (answer.status() == 429) {
                    limited.incrementAndGet();
                    limitDeadline = limitDeadline == null ? Instant.now().plus(LIMIT_PATIENCE) : limitDeadline;
                    if (Instant.now().isAfter(limitDeadline)) {
                        giveUp("http 429 " + answer.problem());
                        return;
                    }
                    Thread.sleep(answer.retryAfter().orElse(FIRST_BACKOFF).toMillis());
                    continue;
                }
                if (!answer.isServerError()) {
                    giveUp("http " + answer.status() + " " + answer.problem()); // the request itself is refused
                    return;
                }
                problem = "http " + answer.status();
            } catch (HttpTimeoutException e) {
                problem = "timeout";
            } catch (ConnectException e) {
                problem = "connection refused";
            } catch (IOException e) {
                problem = "connection lost";
            }
            failedAttempts++;
            if (failedAttempts >= MAX_FAILED_ATTEMPTS) {
                giveUp(problem);
                return;
            }
            retries.incrementAndGet();
            Thread.sleep(FIRST_BACKOFF.multipliedBy(1L << (failedAttempts - 1)).toMillis());
        }
    }

    private void giveUp(String reason) {
        givenUp.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    }
}
