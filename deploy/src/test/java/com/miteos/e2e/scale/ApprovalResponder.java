package com.miteos.e2e.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.e2e.crash.CrashApi;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test client's human: it sees every task the observer reads, and answers each approval a
 * task waits for ({@code paused} with {@code status_detail.reason = awaiting_approval}) with
 * {@code POST /v1/tasks/{id}/resume}. An approval is identified by (task, action type); it is
 * <em>requested</em> once seen and <em>applied</em> once the task is seen past it (not paused, or
 * awaiting another action). A user pause shows before the approval it hides, so a task seen
 * {@code paused_by_user} tells nothing about its approval.
 *
 * <p>One resume per approval, except when the {@link PauseProber} paused the task after that
 * resume was sent, or shortly before ({@link #PAUSE_IN_FLIGHT}: the approver reads the read model,
 * which may not show a pause on its way yet): the resume may then have lifted the user pause
 * instead of approving (a resume lifts the user pause first), so it is sent again if the approval
 * still shows {@value #RESEND_AFTER_SECONDS} s later. Also keeps the latest snapshot of each task, which the
 * prober picks running tasks from.
 */
public final class ApprovalResponder {

    static final long RESEND_AFTER_SECONDS = 10;
    static final long RECHECK_MILLIS = 1_500;
    /** How long before a resume a pause may have been sent and still be applied after it. */
    static final Duration PAUSE_IN_FLIGHT = Duration.ofSeconds(60);
    private static final int ATTEMPTS = 5;

    /** A task as last read: status, {@code status_detail.reason} and the awaited action's type. */
    public record Snapshot(String status, String reason, String actionType) {

        boolean awaitsApproval() {
            return "paused".equals(status) && "awaiting_approval".equals(reason);
        }

        public boolean pausedByUser() {
            return "paused".equals(status) && "paused_by_user".equals(reason);
        }
    }

    private final List<CrashApi> apis;
    private final Map<String, Snapshot> latest = new ConcurrentHashMap<>();
    private final Set<String> requested = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> resumedAt = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> answeredByTask = new ConcurrentHashMap<>();
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> pausedByProber = new ConcurrentHashMap<>();
    private final Map<String, Instant> checked = new ConcurrentHashMap<>();
    private final Map<String, String> failedResumes = new ConcurrentHashMap<>();
    private final AtomicInteger resumesSent = new AtomicInteger();
    private final AtomicInteger resends = new AtomicInteger();
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile boolean answering = true;
    private final ExecutorService senders = Executors.newFixedThreadPool(3, runnable -> {
        Thread thread = new Thread(runnable, "scale-approver");
        thread.setDaemon(true);
        return thread;
    });

    /** @param apis the approving clients (their own keys, one per gateway), used in turn */
    public ApprovalResponder(List<CrashApi> apis) {
        this.apis = List.copyOf(apis);
    }

    /**
     * One read of a task (observer thread). The list shows no {@code status_detail}: a task it shows
     * {@code paused} is read on its own (on the approver's threads, at most every
     * {@value #RECHECK_MILLIS} ms per task) to learn what it waits for.
     */
    public void seen(JsonNode task) {
        String id = task.path("id").asText("");
        if (id.isEmpty()) {
            return;
        }
        if ("paused".equals(task.path("status").asText()) && !task.has("status_detail") && answering) {
            Instant last = checked.get(id);
            if (last == null || Instant.now().isAfter(last.plusMillis(RECHECK_MILLIS))) {
                checked.put(id, Instant.now());
                senders.submit(() -> readAlone(id));
            }
            return;
        }
        record(id, task);
    }

    /** A task read in full: records it, and answers a new approval. */
    private synchronized void record(String id, JsonNode task) {
        JsonNode detail = task.path("status_detail");
        Snapshot now = new Snapshot(task.path("status").asText(), detail.path("reason").asText(null),
                detail.path("action").path("type").asText(null));
        latest.put(id, now);
        String key = approvalKey(id, now);
        if (!now.pausedByUser()) {
            answeredByTask.getOrDefault(id, Set.of()).stream().filter(answered -> !answered.equals(key))
                    .forEach(applied::add);
        }
        if (key == null) {
            return;
        }
        requested.add(key);
        Instant sent = resumedAt.get(key);
        if (!answering) {
            return; // the verdict's final reads: count, never answer
        }
        if (sent == null) {
            resumedAt.put(key, Instant.now());
            answeredByTask.computeIfAbsent(id, unused -> ConcurrentHashMap.newKeySet()).add(key);
            senders.submit(() -> resume(id, key));
        } else if (!applied.contains(key) && Instant.now().isAfter(sent.plusSeconds(RESEND_AFTER_SECONDS))
                && Optional.ofNullable(pausedByProber.get(id))
                        .filter(paused -> paused.isAfter(sent.minus(PAUSE_IN_FLIGHT))).isPresent()) {
            resumedAt.put(key, Instant.now());
            resends.incrementAndGet();
            senders.submit(() -> resume(id, key));
        }
    }

    private void readAlone(String taskId) {
        CrashApi api = apis.get(Math.floorMod(cursor.getAndIncrement(), apis.size()));
        try {
            CrashApi.Answer answer = api.get("/v1/tasks/" + taskId, Duration.ofSeconds(10));
            if (answer.status() == 200) {
                record(taskId, answer.body());
            }
        } catch (IOException e) {
            // the gateway is busy or restarting: the next round asks again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The prober paused this task now. */
    void pausedByProber(String taskId) {
        pausedByProber.put(taskId, Instant.now());
    }

    public Optional<Snapshot> latest(String taskId) {
        return Optional.ofNullable(latest.get(taskId));
    }

    /** Ids of the tasks last seen running. */
    public List<String> running() {
        return latest.entrySet().stream().filter(e -> "running".equals(e.getValue().status())).map(Map.Entry::getKey)
                .sorted().toList();
    }

    public int requested() {
        return requested.size();
    }

    public int applied() {
        return (int) requested.stream().filter(applied::contains).count();
    }

    public int resumesSent() {
        return resumesSent.get();
    }

    public int resends() {
        return resends.get();
    }

    /** Approvals answered but never seen applied, with what was last seen of the task. */
    public Map<String, String> unapplied() {
        Map<String, String> unapplied = new java.util.TreeMap<>();
        requested.stream().filter(key -> !applied.contains(key)).forEach(key -> unapplied.put(key,
                "last seen " + latest.get(key.substring(0, key.indexOf('|')))
                        + Optional.ofNullable(failedResumes.get(key)).map(f -> "; resume failed: " + f).orElse("")));
        return unapplied;
    }

    /** Stops answering and reading; what {@link #seen} gets from now on is only counted. */
    public void stop() throws InterruptedException {
        answering = false;
        senders.shutdownNow();
        senders.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static String approvalKey(String taskId, Snapshot snapshot) {
        return snapshot.awaitsApproval() ? taskId + "|" + snapshot.actionType() : null;
    }

    private void resume(String taskId, String key) {
        String problem = "no attempt";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            CrashApi api = apis.get(Math.floorMod(cursor.getAndIncrement(), apis.size()));
            try {
                CrashApi.Answer answer = api.post("/v1/tasks/" + taskId + "/resume",
                        Map.of("message", "Approved by the scale test."), null, Duration.ofSeconds(15));
                if (answer.status() == 200) {
                    resumesSent.incrementAndGet();
                    return;
                }
                problem = "http " + answer.status() + " " + answer.problem();
                if (answer.status() == 409) {
                    break; // terminal meanwhile
                }
                Thread.sleep(answer.retryAfter().orElse(Duration.ofSeconds(1)).toMillis());
            } catch (IOException e) {
                problem = e.toString();
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        failedResumes.put(key, problem);
    }

    private static void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
