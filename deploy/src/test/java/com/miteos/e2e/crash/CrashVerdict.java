package com.miteos.e2e.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The verdict on every accepted task, the summary line, and a few examples of each kind of
 * failure for the log. Each accepted task is exactly one of: lost (the API answers 404), stuck
 * (not terminal after the settle time, or not readable at all), or terminal; a terminal task is
 * compared with the crash-free reference run of its shape. Independently, any task whose
 * observed status moved backwards counts once in {@code backwards}.
 */
public final class CrashVerdict {

    private static final int EXAMPLES_PER_KIND = 5;

    private final int accepted;
    private int terminal;
    private int lost;
    private int stuck;
    private int unreadable;
    private int complete;
    private int notComplete;
    private int duplicateFiles;
    private int deliverableMismatches;
    private int costMismatches;
    private int backwards;
    private final Map<String, Integer> endings = new TreeMap<>();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();

    public CrashVerdict(int accepted) {
        this.accepted = accepted;
    }

    /** The task is unknown to the API although the gateway acknowledged it. */
    public void lost(String taskId) {
        lost++;
        example("lost", taskId + " answers 404");
    }

    /** The task is not terminal after the settle time. */
    public void stuck(String taskId, String status, Optional<StatusObserver.StatusHistory> history) {
        stuck++;
        example("stuck", taskId + " is " + status + "; seen: " + history.map(Object::toString).orElse("never"));
    }

    /** The API gave no definite answer about the task (counted as stuck: nobody can tell it ended). */
    public void unreadable(String taskId, String why) {
        stuck++;
        unreadable++;
        example("unreadable", taskId + ": " + why);
    }

    /** The task is terminal: compare it with the crash-free run of its shape. */
    public void ended(String taskId, TaskOutcome outcome, TaskOutcome reference) {
        terminal++;
        if (!outcome.isComplete()) {
            notComplete++;
            endings.merge(outcome.status() + (outcome.errorCode() == null ? "" : " " + outcome.errorCode()), 1,
                    Integer::sum);
            example("not complete", taskId + " ended " + outcome);
            return;
        }
        complete++;
        int extraFiles = outcome.fileNames().size() - reference.fileNames().size();
        if (extraFiles > 0) {
            duplicateFiles += extraFiles;
        }
        if (!outcome.fileNames().equals(reference.fileNames())) {
            deliverableMismatches++;
            example("deliverables", taskId + " has " + outcome.fileNames() + ", expected " + reference.fileNames());
        }
        if (outcome.cost().compareTo(reference.cost()) != 0) {
            costMismatches++;
            example("cost", taskId + " cost " + outcome.cost().toPlainString() + ", expected "
                    + reference.cost().toPlainString());
        }
    }

    /** What the observer saw of the task, from the first poll to the final read. */
    public void observed(String taskId, Optional<StatusObserver.StatusHistory> history) {
        if (history.map(StatusObserver.StatusHistory::movedBackwards).orElse(false)) {
            backwards++;
            example("backwards", taskId + ": " + history.get());
        }
    }

    /** The one line to read: {@code crash test: accepted=N terminal=N lost=N stuck=N ...}. */
    public String summaryLine() {
        return "crash test: accepted=" + accepted + " terminal=" + terminal + " lost=" + lost + " stuck=" + stuck
                + " duplicate_files=" + duplicateFiles + " cost_mismatches=" + costMismatches
                + " backwards=" + backwards;
    }

    /** The terminal tasks in detail, then a few examples of each kind of failure. */
    public List<String> diagnostics() {
        List<String> lines = new ArrayList<>();
        lines.add("crash test: outcomes: complete=" + complete + " not_complete=" + notComplete
                + (endings.isEmpty() ? "" : " " + endings) + " deliverable_mismatches=" + deliverableMismatches
                + " unreadable=" + unreadable);
        examples.forEach((kind, list) -> list.forEach(line -> lines.add("crash test: e.g. " + kind + ": " + line)));
        return lines;
    }

    /**
     * Every way the run fell short of the promise, empty if none: the counters of the summary
     * line, and terminal tasks that did not end like their reference (not complete, or with
     * other files).
     */
    public List<String> failures() {
        List<String> failures = new ArrayList<>();
        add(failures, "lost", lost);
        add(failures, "stuck", stuck);
        add(failures, "duplicate_files", duplicateFiles);
        add(failures, "cost_mismatches", costMismatches);
        add(failures, "backwards", backwards);
        add(failures, "not_complete", notComplete);
        add(failures, "deliverable_mismatches", deliverableMismatches);
        return failures;
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
