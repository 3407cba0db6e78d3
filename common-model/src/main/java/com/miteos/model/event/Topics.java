package com.miteos.model.event;

/**
 * Kafka topic names. Every record is keyed by task id, so all events of one task land on
 * one partition, in order.
 *
 * <p>These are the contract's names, referenced by tests and docs; services bind their channels
 * to the same names in their {@code application.properties}, where Java constants cannot reach.
 */
public final class Topics {

    /** Commands from the gateway: a task was accepted ({@link TaskCreated}). */
    public static final String TASK_CREATED = "task.created";
    /** Commands from the gateway: a client asked to cancel ({@link TaskCancelRequested}). */
    public static final String TASK_CANCEL = "task.cancel";
    /**
     * Commands from the gateway: pause a task at its next step ({@link TaskPauseRequested}), or
     * resume and approve what it waits for ({@link TaskResumeRequested}).
     */
    public static final String TASK_CONTROL = "task.control";
    /** State of a task as the orchestrator runs it ({@link TaskStatusChanged}). */
    public static final String TASK_STATUS = "task.status";
    /** Files the agents produced ({@link DeliverableCreated}). */
    public static final String TASK_DELIVERABLE = "task.deliverable";
    /** Records a consumer could not process, with the reason in headers. */
    public static final String DEAD_LETTER = "task.dlq";

    private Topics() {
    }
}
