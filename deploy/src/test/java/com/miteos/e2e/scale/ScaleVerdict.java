package com.miteos.e2e.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scale test's verdict: each accepted task is lost (404), stuck (not terminal after the
 * settle time, or unreadable) or terminal, and a terminal one must be {@code complete}; no task's
 * epochs overlap; every approval seen is applied; no pause or resume is lost. Plus the figures:
 * pause latency and rebalance pause. The summary line holds it all.
 */
public final class ScaleVerdict {

    private static final int EXAMPLES_PER_KIND = 5;

    private final int accepted;
    private int terminal;
    private int lost;
    private int stuck;
    private int notComplete;
    private int overlapping;
    private int approvalsRequested;
    private int approvalsApplied;
    private int commandsLost;
    private List<Long> pauseLatenciesMs = List.of();
    private List<Long> rebalancePausesMs = List.of();
    private final Map<String, Integer> endings = new TreeMap<>();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();

    public ScaleVerdict(int accepted) {
        this.accepted = accepted;
    }

    public void lost(String taskId) {
        lost++;
        example("lost", taskId + " answers 404");
    }

    public void stuck(String taskId, String why) {
        stuck++;
        example("stuck", taskId + " " + why);
    }

    public void ended(String taskId, String status, String errorCode) {
        terminal++;
        if (!"complete".equals(status)) {
            notComplete++;
            endings.merge(status + (errorCode == null ? "" : " " + errorCode), 1, Integer::sum);
            example("not complete", taskId + " ended " + status + (errorCode == null ? "" : " (" + errorCode + ")"));
        }
    }

    public void ownership(Map<String, String> overlaps) {
        overlapping = overlaps.size();
        overlaps.forEach((task, pair) -> example("overlapping owners", task + ": " + pair));
    }

    public void approvals(int requested, int applied, Map<String, String> unapplied) {
        approvalsRequested = requested;
        approvalsApplied = applied;
        unapplied.forEach((key, what) -> example("approval not applied", key + ": " + what));
    }

    /** Lost pauses and resumes of the prober, plus approvals answered but never applied. */
    public void commandsLost(Map<String, String> lostCommands, int unappliedApprovals) {
        commandsLost = lostCommands.size() + unappliedApprovals;
        lostCommands.forEach((command, what) -> example("command lost", command + ": " + what));
    }

    public void pauseLatencies(List<Long> millis) {
        pauseLatenciesMs = millis.stream().sorted().toList();
    }

    public void rebalancePauses(List<Duration> gaps) {
        rebalancePausesMs = gaps.stream().map(Duration::toMillis).sorted().toList();
    }

    public String summaryLine() {
        return "scale test: accepted=" + accepted + " terminal=" + terminal + " lost=" + lost + " stuck=" + stuck
                + " overlapping_owners=" + overlapping + " approvals_requested=" + approvalsRequested
                + " approvals_applied=" + approvalsApplied + " commands_lost=" + commandsLost
                + " pause_latency_p50_ms=" + percentile(pauseLatenciesMs, 50)
                + " pause_latency_p99_ms=" + percentile(pauseLatenciesMs, 99)
                + " rebalance_pause_p50_ms=" + percentile(rebalancePausesMs, 50)
                + " rebalance_pause_p99_ms=" + percentile(rebalancePausesMs, 99)
                + " rebalance_pause_max_ms=" + percentile(rebalancePausesMs, 100);
    }

    public List<String> diagnostics() {
        List<String> lines = new ArrayList<>();
        lines.add("scale test: outcomes: not_complete=" + notComplete + (endings.isEmpty() ? "" : " " + endings)
                + " pauses_measured=" + pauseLatenciesMs.size() + " handovers_measured=" + rebalancePausesMs.size());
        examples.forEach((kind, list) -> list.forEach(line -> lines.add("scale test: e.g. " + kind + ": " + line)));
        return lines;
    }

    /** Every way the run fell short, empty if none. */
    public List<String> failures() {
        List<String> failures = new ArrayList<>();
        add(failures, "lost", lost);
        add(failures, "stuck", stuck);
        add(failures, "not_complete", notComplete);
        add(failures, "overlapping_owners", overlapping);
        add(failures, "commands_lost", commandsLost);
        if (approvalsRequested != approvalsApplied) {
            failures.add("approvals_requested=" + approvalsRequested + " but approvals_applied=" + approvalsApplied);
        }
        return failures;
    }

    /** Nearest-rank percentile of the values; "n/a" when there are none. */
    public static String percentile(List<Long> values, int percent) {
        List<Long> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "n/a";
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return Long.toString(sorted.get(Math.max(0, rank - 1)));
    }

    private static void add(List<String> failures, String counter, int value) {
        if (value != 0) {
            failures.add(counter + "=" + value);
        }
    }

    private void example(String kind, String line) {
        List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (list.size() < EXAMPLES_PER_KIND) {
            list.add(line);
        }
    }
}
