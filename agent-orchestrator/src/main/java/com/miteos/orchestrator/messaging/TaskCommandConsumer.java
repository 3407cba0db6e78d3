package com.miteos.orchestrator.messaging;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.orchestrator.service.TaskSupervisor;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads task commands ({@code task.created}, {@code task.cancel}, {@code task.control}). A run is started, not
 * awaited: the record is acknowledged once the supervisor has it. Malformed records go to the
 * dead-letter topic.
 */
public class TaskCommandConsumer {

    private final TaskSupervisor supervisor;

    public TaskCommandConsumer(TaskSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Incoming("task-commands")
    @SuppressWarnings("unchecked")
    public void consume(String record) {
        EventEnvelope<EventPayload> envelope = EventJson.fromJson(record);
        if (envelope.payload() instanceof TaskCreated) {
            supervisor.start((EventEnvelope<TaskCreated>) (EventEnvelope<?>) envelope);
        } else if (envelope.payload() instanceof TaskCancelRequested) {
            supervisor.cancel(envelope);
        } else if (envelope.payload() instanceof TaskPauseRequested) {
            supervisor.pause(envelope.taskId());
        } else if (envelope.payload() instanceof TaskResumeRequested resume) {
            supervisor.resume(envelope.taskId(), resume.message());
        }
    }
}
