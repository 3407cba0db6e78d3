package com.miteos.model.event;

/** The names of event types as they appear in an envelope's {@code type} field. */
public final class EventTypes {

    public static final String TASK_CREATED = "TaskCreated";
    public static final String TASK_CANCEL_REQUESTED = "TaskCancelRequested";
    public static final String TASK_PAUSE_REQUESTED = "TaskPauseRequested";
    public static final String TASK_RESUME_REQUESTED = "TaskResumeRequested";
    public static final String TASK_STATUS_CHANGED = "TaskStatusChanged";
    public static final String DELIVERABLE_CREATED = "DeliverableCreated";

    private EventTypes() {
    }
}
