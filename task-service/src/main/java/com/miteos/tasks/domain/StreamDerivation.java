package com.miteos.tasks.domain;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.StreamEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a task's orchestrator events, taken in sequence order, into the finer events of its public
 * stream. The orchestrator publishes whole snapshots ({@link TaskStatusChanged}); what changed
 * between two consecutive ones becomes {@code task.status}, {@code agent.updated},
 * {@code cost.updated} and {@code approval.requested}, and the snapshot that ends the task becomes
 * {@code task.completed}, {@code task.failed} or {@code task.cancelled}, always the last event.
 * {@link DeliverableCreated} becomes {@code deliverable.created}.
 *
 * <p>Pure and deterministic: the same state and event always give the same events, which is what
 * makes the stored stream the same however often, and in whatever interleaving of topics, its
 * sources were delivered.
 */
public final class StreamDerivation {

    private StreamDerivation() {
    }

    /** What one orchestrator event adds to the stream, and the state after it. */
    public record Step(List<DerivedEvent> events, StreamState state) {
    }

    /**
     * The events {@code envelope} adds after {@code before} (null: nothing told yet). After a
     * terminal event nothing is added.
     */
    public static Step next(StreamState before, EventEnvelope<? extends EventPayload> envelope) {
        if (before != null && before.status().isTerminal()) {
            return new Step(List.of(), before);
        }
        EventPayload payload = envelope.payload();
        String taskId = envelope.taskId();
        if (payload instanceof TaskCreated created) {
            if (before != null) {
                return new Step(List.of(), before);
            }
            return new Step(List.of(status(taskId, StreamState.PENDING, null, created.createdAt())),
                    StreamState.PENDING);
        }
        StreamState previous = before == null ? StreamState.PENDING : before;
        if (payload instanceof DeliverableCreated file) {
            return new Step(List.of(deliverable(taskId, file)), previous);
        }
        if (payload instanceof TaskStatusChanged changed) {
            return snapshot(taskId, previous, changed);
        }
        return new Step(List.of(), previous);
    }

    private static Step snapshot(String taskId, StreamState before, TaskStatusChanged changed) {
        StreamState after = new StreamState(changed.status(), changed.statusDetail(), changed.agents(),
                changed.cost().max(before.cost()));
        Instant at = changed.updatedAt();
        List<DerivedEvent> events = new ArrayList<>();
        if (after.status() != before.status() || !Objects.equals(after.statusDetail(), before.statusDetail())) {
            events.add(status(taskId, after, before.status(), at));
        }
        for (AgentState agent : after.agents()) {
            AgentState earlier = find(before.agents(), agent.id());
            if (earlier == null || earlier.status() != agent.status()
                    || !Objects.equals(earlier.currentTool(), agent.currentTool())
                    || earlier.progress() != agent.progress()) {
                events.add(agent(taskId, agent, at));
            }
        }
        if (after.cost().compareTo(before.cost()) > 0) {
            events.add(new DerivedEvent(StreamEvent.COST_UPDATED, fields("task_id", taskId, "cost", after.cost(),
                    "occurred_at", at)));
        }
        if (waitsForApproval(after) && (before.status() != TaskStatus.PAUSED
                || !Objects.equals(before.statusDetail(), after.statusDetail()))) {
            events.add(new DerivedEvent(StreamEvent.APPROVAL_REQUESTED, fields("task_id", taskId,
                    "reason", after.statusDetail().reason(), "status_detail", after.statusDetail(),
                    "occurred_at", at)));
        }
        if (after.status().isTerminal()) {
            events.add(terminal(taskId, after, changed));
        }
        return new Step(events, after);
    }

    /** A pause that a resume approves: anything but the user's own pause. */
    private static boolean waitsForApproval(StreamState state) {
        return state.status() == TaskStatus.PAUSED && state.statusDetail() != null
                && !StatusDetail.PAUSED_BY_USER.equals(state.statusDetail().reason());
    }

    private static DerivedEvent status(String taskId, StreamState state, TaskStatus previous, Instant at) {
        Map<String, Object> data = fields("task_id", taskId, "status", state.status().value());
        if (previous != null) {
            data.put("previous_status", previous.value());
        }
        if (state.statusDetail() != null) {
            data.put("status_detail", state.statusDetail());
        }
        data.put("occurred_at", at);
        return new DerivedEvent(StreamEvent.TASK_STATUS, data);
    }

    private static DerivedEvent agent(String taskId, AgentState agent, Instant at) {
        Map<String, Object> data = fields("task_id", taskId, "agent_id", agent.id(), "type", agent.type(),
                "status", agent.status().value());
        data.put("current_tool", agent.currentTool());
        data.put("progress", agent.progress());
        data.put("summary", AgentSummary.of(agent));
        data.put("occurred_at", at);
        return new DerivedEvent(StreamEvent.AGENT_UPDATED, data);
    }

    private static DerivedEvent deliverable(String taskId, DeliverableCreated file) {
        Map<String, Object> data = fields("task_id", taskId, "id", file.deliverableId(), "name", file.name(),
                "type", file.contentType());
        data.put("size_bytes", file.sizeBytes());
        data.put("agent_id", file.agentId());
        data.put("created_at", file.createdAt());
        return new DerivedEvent(StreamEvent.DELIVERABLE_CREATED, data);
    }

    private static DerivedEvent terminal(String taskId, StreamState after, TaskStatusChanged changed) {
        String type = switch (after.status()) {
            case COMPLETE -> StreamEvent.TASK_COMPLETED;
            case FAILED -> StreamEvent.TASK_FAILED;
            default -> StreamEvent.TASK_CANCELLED;
        };
        Map<String, Object> data = fields("task_id", taskId, "status", after.status().value(), "cost", after.cost());
        data.put("deliverables_count", changed.deliverablesCount());
        if (changed.error() != null) {
            data.put("error", changed.error());
        }
        if (changed.deployment() != null) {
            data.put("deployment", changed.deployment());
        }
        data.put("occurred_at", changed.updatedAt());
        return new DerivedEvent(type, data);
    }

    private static AgentState find(List<AgentState> agents, String id) {
        for (AgentState agent : agents) {
            if (agent.id().equals(id)) {
                return agent;
            }
        }
        return null;
    }

    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            data.put((String) pairs[i], pairs[i + 1]);
        }
        return data;
    }
}
