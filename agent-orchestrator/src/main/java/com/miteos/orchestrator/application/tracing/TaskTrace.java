package com.miteos.orchestrator.application.tracing;

/**
 * The trace a run of a task belongs to: the W3C {@code traceparent} stored with the task when its
 * {@code task.created} record was consumed (null: it came without one), and whether this run goes on
 * from a stored state (after a restart or a takeover) rather than starting the task.
 */
public record TaskTrace(String traceparent, boolean resumed) {

    /** The first run of a task just accepted. */
    public static TaskTrace accepted(String traceparent) {
        return new TaskTrace(traceparent, false);
    }

    /** A run restored from the store: it goes on in the same trace as the task's first run. */
    public static TaskTrace resumed(String traceparent) {
        return new TaskTrace(traceparent, true);
    }
}
