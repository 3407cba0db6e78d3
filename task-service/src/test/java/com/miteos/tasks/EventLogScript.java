package com.miteos.tasks;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One task's orchestrator events as a run publishes them, sequence 0 (task.created) to 7 (complete),
 * and the stream events they must become. Agent ids and times are fixed, so two tasks given the
 * same script must get the same stream apart from the task id.
 */
final class EventLogScript {

    static final List<String> STREAM_TYPES = List.of(
            "task.status",                                                  // 0 pending
            "task.status",                                                  // 1 planning
            "task.status", "agent.updated", "agent.updated", "cost.updated", // 2 running, two agents start
            "agent.updated", "agent.updated", "cost.updated",               // 3 both agents move
            "deliverable.created",                                          // 4 a file
            "task.status", "cost.updated", "approval.requested",            // 5 paused for a deploy
            "task.status",                                                  // 6 resumed
            "task.status", "agent.updated", "agent.updated", "task.completed"); // 7 complete

    private static final Instant T0 = Instant.parse("2026-01-15T10:23:44Z");
    private static final String A1 = "agnt_01m8h8kgrg4sv6yxkp0mfhyr61";
    private static final String A2 = "agnt_01m8h8kgrg4sv6yxkp0mfhyr62";

    private EventLogScript() {
    }

    static List<EventEnvelope<?>> events(String task, String account) {
        List<EventEnvelope<?>> events = new ArrayList<>();
        events.add(EventEnvelope.of(task, account, Mode.TEST, 0, new TaskCreated("prompt",
                new TaskConfig(2, 50, false, null, null), T0)));
        events.add(status(task, account, 1, TaskStatus.PLANNING, List.of(), "0", null, 0));
        events.add(status(task, account, 2, TaskStatus.RUNNING, List.of(
                agent(A1, "researcher", AgentStatus.QUEUED, null, 0),
                agent(A2, "writer", AgentStatus.QUEUED, null, 0)), "0.001", null, 0));
        events.add(status(task, account, 3, TaskStatus.RUNNING, List.of(
                agent(A1, "researcher", AgentStatus.ACTING, "web_search", 30),
                agent(A2, "writer", AgentStatus.THINKING, null, 10)), "0.002", null, 0));
        events.add(EventEnvelope.of(task, account, Mode.TEST, 4, new DeliverableCreated(
                "dlvr_01m8h8kk7z637y3bz1qk5ax3q7", A1, "report.md", "text/markdown", 120, "k", T0.plusSeconds(4))));
        StatusDetail deploy = StatusDetail.awaitingApproval(new PendingAction(PendingAction.DEPLOY,
                "Deploy 1 file", List.of("report.md"), "s3://bucket/x"));
        events.add(status(task, account, 5, TaskStatus.PAUSED, List.of(
                agent(A1, "researcher", AgentStatus.ACTING, "web_search", 30),
                agent(A2, "writer", AgentStatus.THINKING, null, 10)), "0.003", deploy, 1));
        events.add(status(task, account, 6, TaskStatus.RUNNING, List.of(
                agent(A1, "researcher", AgentStatus.ACTING, "web_search", 30),
                agent(A2, "writer", AgentStatus.THINKING, null, 10)), "0.003", null, 1));
        events.add(status(task, account, 7, TaskStatus.COMPLETE, List.of(
                agent(A1, "researcher", AgentStatus.DONE, null, 100),
                agent(A2, "writer", AgentStatus.DONE, null, 100)), "0.003", null, 1));
        return events;
    }

    private static EventEnvelope<TaskStatusChanged> status(String task, String account, long sequence,
            TaskStatus status, List<AgentState> agents, String cost, StatusDetail detail, int deliverables) {
        return EventEnvelope.of(task, account, Mode.TEST, sequence, new TaskStatusChanged(status, agents,
                new BigDecimal(cost), deliverables, null, detail, null, T0.plusSeconds(sequence)));
    }

    private static AgentState agent(String id, String type, AgentStatus status, String tool, int progress) {
        return new AgentState(id, type, status, tool, progress, null);
    }
}
