package com.miteos.e2e.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.task.TaskStatus;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Watches task statuses the way a polling client does. Every {@code interval} it reads every
 * page of {@code GET /v1/tasks?limit=100&offset=…}, then GETs individually a few watched tasks
 * that the list did not show (paging races with new tasks, and a task not projected yet is only
 * visible on its own). Answers that are not 200 (a component is down) are simply skipped.
 *
 * <p>All observations come from this one thread, in the order the answers arrived, so each
 * task's {@link StatusHistory} is in real-time order: if the platform only ever moves a task
 * forward, no history moves backwards. After {@link #stop()}, the caller may add its own
 * observations through {@link #observe} (the final reads of the verdict).
 */
public final class StatusObserver {

    static final int PAGE_SIZE = 100;
    /** Individual GETs per round, on top of the list pages: keeps the key well under its rate limit. */
    static final int SINGLE_READS_PER_ROUND = 4;

    private final CrashApi api;
    private final Duration interval;
    private final Set<String> watched;
    private final Map<String, StatusHistory> histories = new ConcurrentHashMap<>();
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicInteger failedReads = new AtomicInteger();
    private final Thread thread;
    private volatile Consumer<JsonNode> taskListener = task -> { };
    private volatile boolean stopping;
    private int singleReadCursor;

    /**
     * @param api      the observing client (its own key, so that its polling does not eat the
     *                 submitters' rate limit)
     * @param interval pause between two rounds
     * @param watched  ids of the tasks that must be seen even when the list misses them (a live view)
     */
    public StatusObserver(CrashApi api, Duration interval, Set<String> watched) {
        this.api = api;
        this.interval = interval;
        this.watched = watched;
        this.thread = new Thread(this::run, "crash-observer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Also hands every task body this observer reads (list items and single reads) to
     * {@code listener}, on the observer's thread, in the order they were read. Set before {@link #start()}.
     */
    public void onTask(Consumer<JsonNode> listener) {
        this.taskListener = listener;
    }

    /** Ends the polling after the current round and waits for it. */
    public void stop() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(Duration.ofMinutes(1).toMillis());
    }

    /** Records one observation of a task's status. */
    public void observe(String taskId, String status) {
        histories.computeIfAbsent(taskId, id -> new StatusHistory()).add(status);
    }

    public Optional<StatusHistory> history(String taskId) {
        return Optional.ofNullable(histories.get(taskId));
    }

    /** Whether the last status seen of each of these tasks is terminal. */
    public boolean allTerminal(Collection<String> taskIds) {
        return taskIds.stream().allMatch(id -> history(id).map(StatusHistory::isTerminal).orElse(false));
    }

    /** How many of these tasks were last seen in a terminal state. */
    public long terminalCount(Collection<String> taskIds) {
        return taskIds.stream().filter(id -> history(id).map(StatusHistory::isTerminal).orElse(false)).count();
    }

    public int rounds() {
        return rounds.get();
    }

    /** Reads that got no usable answer (a component was down or slow). */
    public int failedReads() {
        return failedReads.get();
    }

    private void run() {
        while (!stopping) {
            try {
                Set<String> listed = readList();
                if (listed != null) {
                    readSingly(listed);
                }
                rounds.incrementAndGet();
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            } catch (RuntimeException e) {
                failedReads.incrementAndGet(); // an answer of an unexpected shape: keep observing
            }
        }
    }

    /** Every page of the list; answers the ids it showed, or null when a page could not be read. */
    private Set<String> readList() throws InterruptedException {
        Set<String> listed = new HashSet<>();
        long total = Long.MAX_VALUE;
        for (int offset = 0; offset < total && !stopping; offset += PAGE_SIZE) {
            CrashApi.Answer page = read("/v1/tasks?limit=" + PAGE_SIZE + "&offset=" + offset);
            if (page == null) {
                return null;
            }
            total = page.body().path("total").asLong(0);
            JsonNode tasks = page.body().path("tasks");
            for (JsonNode task : tasks) {
                observe(task.path("id").asText(), task.path("status").asText());
                taskListener.accept(task);
                listed.add(task.path("id").asText());
            }
            if (tasks.isEmpty()) {
                break;
            }
        }
        return listed;
    }

    /** A few watched, unfinished tasks the list did not show, in turn. */
    private void readSingly(Set<String> listed) throws InterruptedException {
        List<String> unseen = new ArrayList<>();
        for (String id : watched) {
            if (!listed.contains(id) && !history(id).map(StatusHistory::isTerminal).orElse(false)) {
                unseen.add(id);
            }
        }
        if (unseen.isEmpty()) {
            return;
        }
        unseen.sort(null);
        for (int i = 0; i < Math.min(SINGLE_READS_PER_ROUND, unseen.size()) && !stopping; i++) {
            String id = unseen.get(Math.floorMod(singleReadCursor++, unseen.size()));
            CrashApi.Answer task = read("/v1/tasks/" + id);
            if (task == null) {
                return;
            }
            observe(id, task.body().path("status").asText());
            taskListener.accept(task.body());
        }
    }

    /** One GET; null (and counted) unless it answered 200. A 429 pauses for its Retry-After. */
    private CrashApi.Answer read(String path) throws InterruptedException {
        try {
            CrashApi.Answer answer = api.get(path, CrashApi.READ_TIMEOUT);
            if (answer.status() == 200) {
                return answer;
            }
            if (answer.status() == 429) {
                Thread.sleep(answer.retryAfter().orElse(Duration.ofSeconds(1)).toMillis());
            }
        } catch (IOException e) {
            // the gateway, or a service behind it, is down: this round sees less
        }
        failedReads.incrementAndGet();
        return null;
    }

    /**
     * The statuses one observer saw for one task, in order, repeats collapsed, and whether it
     * ever moved backwards. Forward is {@code pending → planning → running ⇄ paused →} one
     * terminal state; a lower rank after a higher one, or any change after a terminal state,
     * is backwards.
     */
    public static final class StatusHistory {

        private final List<String> statuses = new ArrayList<>();
        private String firstBackwardsMove;

        synchronized void add(String status) {
            if (status == null || status.isEmpty()) {
                return;
            }
            String last = statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
            if (status.equals(last)) {
                return;
            }
            if (last != null && firstBackwardsMove == null && isBackwards(last, status)) {
                firstBackwardsMove = last + " -> " + status;
            }
            statuses.add(status);
        }

        public synchronized String last() {
            return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
        }

        public synchronized boolean isTerminal() {
            String last = last();
            return last != null && TaskStatus.parse(last).map(TaskStatus::isTerminal).orElse(false);
        }

        public synchronized boolean movedBackwards() {
            return firstBackwardsMove != null;
        }

        /** E.g. {@code pending > running > pending > complete (backwards: running -> pending)}. */
        @Override
        public synchronized String toString() {
            return String.join(" > ", statuses)
                    + (firstBackwardsMove == null ? "" : " (backwards: " + firstBackwardsMove + ")");
        }

        static boolean isBackwards(String from, String to) {
            Optional<TaskStatus> before = TaskStatus.parse(from);
            Optional<TaskStatus> after = TaskStatus.parse(to);
            if (before.isEmpty() || after.isEmpty()) {
                return false; // not a status of the API at all: reported through the final verdict instead
            }
            return before.get().isTerminal() || rank(after.get()) < rank(before.get());
        }

        private static int rank(TaskStatus status) {
            return switch (status) {
                case PENDING -> 0;
                case PLANNING -> 1;
                case RUNNING, PAUSED -> 2;
                case COMPLETE, FAILED, CANCELLED -> 3;
            };
        }
    }
}
