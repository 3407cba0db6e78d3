package com.miteos.e2e.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.e2e.crash.CrashApi;
import com.miteos.model.task.TaskStatus;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pauses random running tasks and resumes them a few seconds later, like a user would, and
 * measures it. Every {@code pauseEvery} on average it picks a task last seen {@code running} and
 * runs one probe (at most {@value #PROBES} at once):
 * <ol>
 *   <li>{@code POST /pause}; from its answer, {@code GET} the task every {@value #POLL_MS} ms until
 *       it shows {@code paused} (the <em>pause latency</em>), it ends (not counted), or
 *       {@code commandTimeout} passes: then the pause is <em>lost</em>;</li>
 *   <li>after a hold of 2–5 s, once the task shows {@code paused_by_user}, {@code POST /resume}
 *       and {@code GET} it until it no longer does; still there after {@code commandTimeout}: the
 *       resume is <em>lost</em>. Shown awaiting an approval instead, it is read again until it shows
 *       the user pause (the read model had not caught up with the pause yet: a pause that met a
 *       task at its approval replaces that reason, and the approver, who never saw the approval,
 *       leaves a user pause alone), or anything else, or {@code commandTimeout} passes: the approver's
 *       resume lifted the user pause, and the approval is the approver's.</li>
 * </ol>
 */
public final class PauseProber {

    static final int PROBES = 4;
    static final long POLL_MS = 100;

    private final List<CrashApi> apis;
    private final ApprovalResponder responder;
    private final Random random;
    private final Duration pauseEvery;
    private final Duration commandTimeout;
    private final Semaphore slots = new Semaphore(PROBES);
    private final Set<String> probed = ConcurrentHashMap.newKeySet();
    private final ExecutorService probes = Executors.newFixedThreadPool(PROBES, runnable -> {
        Thread thread = new Thread(runnable, "scale-pause-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread picker;
    private final List<Long> pauseLatenciesMs = Collections.synchronizedList(new ArrayList<>());
    private final List<Sample> pauseSamples = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> resumeLatenciesMs = Collections.synchronizedList(new ArrayList<>());
    private final List<Sample> resumeSamples = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    private final AtomicInteger pausesSent = new AtomicInteger();
    private final AtomicInteger endedFirst = new AtomicInteger();
    private final AtomicInteger resumesSent = new AtomicInteger();
    private final AtomicInteger liftedByApprover = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile boolean stopping;

    public PauseProber(List<CrashApi> apis, ApprovalResponder responder, long seed, Duration pauseEvery,
            Duration commandTimeout) {
        this.apis = List.copyOf(apis);
        this.responder = responder;
        this.random = new Random(seed);
        this.pauseEvery = pauseEvery;
        this.commandTimeout = commandTimeout;
        this.picker = new Thread(this::pickTasks, "scale-pauser");
        this.picker.setDaemon(true);
    }

    public void start() {
        picker.start();
    }

    /** No new pauses; waits for the probes under way (each ends within two command timeouts). */
    public void stop() throws InterruptedException {
        stopping = true;
        picker.interrupt();
        picker.join(10_000);
        probes.shutdown();
        if (!probes.awaitTermination(commandTimeout.multipliedBy(2).plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
            probes.shutdownNow();
        }
    }

    private void pickTasks() {
        while (!stopping) {
            try {
                Thread.sleep((long) (pauseEvery.toMillis() * (0.5 + random.nextDouble())));
                List<String> running = responder.running().stream().filter(id -> !probed.contains(id)).toList();
                if (running.isEmpty() || !slots.tryAcquire()) {
                    continue;
                }
                String taskId = running.get(random.nextInt(running.size()));
                probed.add(taskId);
                long hold = 2_000 + random.nextInt(3_000);
                probes.submit(() -> {
                    try {
                        probe(taskId, hold);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        slots.release();
                    }
                });
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(String taskId, long holdMs) throws InterruptedException {
        responder.pausedByProber(taskId);
        Instant answered = command(taskId, "pause");
        if (answered == null) {
            return;
        }
        pausesSent.incrementAndGet();
        JsonNode task = await(taskId, answered, "paused");
        String status = task == null ? null : task.path("status").asText();
        if (!"paused".equals(status)) {
            if (status != null && isTerminal(status)) {
                endedFirst.incrementAndGet();
            } else {
                lost.put(taskId + " pause", "not paused " + commandTimeout.toSeconds() + " s after the pause: " + status);
            }
            return;
        }
        Instant seen = Instant.now();
        pauseLatenciesMs.add(Duration.between(answered, seen).toMillis());
        pauseSamples.add(new Sample(taskId, answered, appliedAt(task, seen), seen));
        Thread.sleep(holdMs);
        JsonNode now = userPauseOrNot(taskId);
        if (now == null || !"paused_by_user".equals(now.path("status_detail").path("reason").asText())
                || !"paused".equals(now.path("status").asText())) {
            if (now != null && !isTerminal(now.path("status").asText())) {
                liftedByApprover.incrementAndGet(); // only a resume lifts a user pause, and this one sent none
            }
            return;
        }
        answered = command(taskId, "resume");
        if (answered == null) {
            return;
        }
        resumesSent.incrementAndGet();
        task = await(taskId, answered, "not paused_by_user");
        if (task == null || "paused_by_user".equals(task.path("status_detail").path("reason").asText())
                && "paused".equals(task.path("status").asText())) {
            lost.put(taskId + " resume", "still paused by the user " + commandTimeout.toSeconds()
                    + " s after the resume");
            return;
        }
        Instant resumed = Instant.now();
        resumeLatenciesMs.add(Duration.between(answered, resumed).toMillis());
        resumeSamples.add(new Sample(taskId, answered, appliedAt(task, resumed), resumed));
    }

    /** POSTs the command until it is answered 200; the instant of that answer, or null (409: ended, or failed). */
    private Instant command(String taskId, String command) throws InterruptedException {
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                CrashApi.Answer answer = api().post("/v1/tasks/" + taskId + "/" + command, Map.of(), null,
                        Duration.ofSeconds(15));
                if (answer.status() == 200) {
                    return Instant.now();
                }
                if (answer.status() == 409) {
                    return null;
                }
                Thread.sleep(answer.retryAfter().orElse(Duration.ofSeconds(1)).toMillis());
            } catch (IOException e) {
                Thread.sleep(1_000);
            }
        }
        refused.incrementAndGet();
        return null;
    }

    /** Reads the task until it shows what is awaited (or ends), or the command timeout passes; its last read. */
    private JsonNode await(String taskId, Instant from, String awaited) throws InterruptedException {
        Instant deadline = from.plus(commandTimeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode task = read(taskId);
            if (task != null) {
                last = task;
                String status = task.path("status").asText();
                boolean userPaused = "paused".equals(status)
                        && "paused_by_user".equals(task.path("status_detail").path("reason").asText());
                if (isTerminal(status) || ("paused".equals(awaited) ? "paused".equals(status) : !userPaused)) {
                    return task;
                }
            }
            Thread.sleep(POLL_MS);
        }
        return last;
    }

    /**
     * The task once it shows something other than a pause for an approval, or its last read after
     * {@code commandTimeout} (a failed read is tried again too).
     */
    private JsonNode userPauseOrNot(String taskId) throws InterruptedException {
        Instant deadline = Instant.now().plus(commandTimeout);
        JsonNode last = null;
        do {
            JsonNode task = read(taskId);
            if (task != null) {
                last = task;
                if (!"paused".equals(task.path("status").asText())
                        || !"awaiting_approval".equals(task.path("status_detail").path("reason").asText())) {
                    return task;
                }
            }
            Thread.sleep(POLL_MS);
        } while (Instant.now().isBefore(deadline));
        return last;
    }

    private JsonNode read(String taskId) throws InterruptedException {
        try {
            CrashApi.Answer answer = api().get("/v1/tasks/" + taskId, Duration.ofSeconds(10));
            return answer.status() == 200 ? answer.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private CrashApi api() {
        return apis.get(Math.floorMod(cursor.getAndIncrement(), apis.size()));
    }

    private static boolean isTerminal(String status) {
        return TaskStatus.parse(status).map(TaskStatus::isTerminal).orElse(false);
    }

    /** Tasks this prober paused (they are left out of the rebalance pause: they stood still on purpose). */
    public Set<String> probed() {
        return Set.copyOf(probed);
    }

    public List<Long> pauseLatenciesMs() {
        synchronized (pauseLatenciesMs) {
            return List.copyOf(pauseLatenciesMs);
        }
    }

    /**
     * When the owner applied the pause: the {@code updated_at} of the paused snapshot it published
     * (the orchestrator's clock, on this machine the test's), or when it was seen if it carries none.
     */
    private static Instant appliedAt(JsonNode task, Instant seen) {
        try {
            return task.hasNonNull("updated_at") ? Instant.parse(task.get("updated_at").asText()) : seen;
        } catch (java.time.format.DateTimeParseException e) {
            return seen;
        }
    }

    /**
     * A measured pause (or resume): from the answer to the POST until the owner applied it (the
     * {@code updated_at} of the snapshot that showed it) and until it was seen through the API.
     */
    public record Sample(String taskId, Instant answered, Instant applied, Instant seen) {

        public long millis() {
            return Duration.between(answered, seen).toMillis();
        }

        /** Command answered → applied by the owner; 0 when the owner was quicker than the answer. */
        public long appliedMillis() {
            return Math.max(0, Duration.between(answered, applied).toMillis());
        }

        /** Whether the pause was waiting at some moment of [from, to]. */
        public boolean overlaps(Instant from, Instant to) {
            return !seen.isBefore(from) && !answered.isAfter(to);
        }
    }

    public List<Sample> pauseSamples() {
        synchronized (pauseSamples) {
            return List.copyOf(pauseSamples);
        }
    }

    /** Measured resumes: from the answer to the POST until the task no longer showed the user's pause. */
    public List<Sample> resumeSamples() {
        synchronized (resumeSamples) {
            return List.copyOf(resumeSamples);
        }
    }

    public List<Long> resumeLatenciesMs() {
        synchronized (resumeLatenciesMs) {
            return List.copyOf(resumeLatenciesMs);
        }
    }

    /** Lost pauses and resumes: "task pause" / "task resume" → what was seen. */
    public Map<String, String> lost() {
        return new TreeMap<>(lost);
    }

    public String describe() {
        return "pauses_sent=" + pausesSent + " paused_seen=" + pauseLatenciesMs.size() + " ended_before_pausing="
                + endedFirst + " resumes_sent=" + resumesSent + " resumed_seen=" + resumeLatenciesMs.size()
                + " user_pause_lifted_by_approver=" + liftedByApprover + " commands_not_answered_200=" + refused;
    }
}
