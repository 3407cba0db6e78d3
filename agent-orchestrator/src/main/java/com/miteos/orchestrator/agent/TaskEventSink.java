package com.miteos.orchestrator.agent;

import com.miteos.model.event.EventEnvelope;

/**
 * Where a {@link TaskRun} sends its events. Calls arrive in sequence order, one at a time per
 * task, and an implementation must keep that order per task.
 */
public interface TaskEventSink {

    void publish(EventEnvelope<?> event);
}
