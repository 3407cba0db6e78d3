package com.miteos.orchestrator.domain.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.domain.files.StoredFile;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TaskRun} must keep to go on after a crash: everything its events show, and what
 * they do not (plan, files, pause state, the user's messages, file reservations, time worked).
 * Stored as JSON with every change of the task.
 */
public record RunState(
        @JsonProperty("status") TaskStatus status,
        @JsonProperty("status_before_pause") TaskStatus statusBeforePause,
        @JsonProperty("sequence") long sequence,
        @JsonProperty("plan") List<WorkItem> plan,
        @JsonProperty("plan_approved") boolean planApproved,
        @JsonProperty("deploy_approved") boolean deployApproved,
        @JsonProperty("agents") List<AgentState> agents,
        @JsonProperty("files") List<StoredFile> files,
        @JsonProperty("files_by_call") Map<String, String> filesByCall,
        @JsonProperty("files_before_synthesis") Integer filesBeforeSynthesis,
        @JsonProperty("cost") BigDecimal cost,
        @JsonProperty("tokens") long tokens,
        @JsonProperty("error") TaskError error,
        @JsonProperty("status_detail") StatusDetail statusDetail,
        @JsonProperty("deployment") Deployment deployment,
        @JsonProperty("paused_by_user") boolean pausedByUser,
        @JsonProperty("pending_approval") PendingAction pendingApproval,
        @JsonProperty("user_messages") List<String> userMessages,
        @JsonProperty("applied_commands") List<String> appliedCommands,
        @JsonProperty("reserved_names") List<String> reservedNames,
        @JsonProperty("reserved_bytes") long reservedBytes,
        @JsonProperty("started_at_ms") long startedAtMillis,
        @JsonProperty("paused_ms") long pausedMillis,
        @JsonProperty("paused_since_ms") long pausedSinceMillis,
        // Absent unless set, so states written before budget caps read and write back unchanged.
        @JsonProperty("max_cost") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal maxCost,
        @JsonProperty("budget_hold") @JsonInclude(JsonInclude.Include.NON_NULL) StatusDetail budgetHold) {

    /** States written before a field existed read as empty, not null. */
    public RunState {
        plan = plan == null ? null : List.copyOf(plan);
        agents = agents == null ? List.of() : agents;
        files = files == null ? List.of() : files;
        filesByCall = filesByCall == null ? Map.of() : filesByCall;
        cost = cost == null ? BigDecimal.ZERO : cost;
        userMessages = userMessages == null ? List.of() : userMessages;
        appliedCommands = appliedCommands == null ? List.of() : appliedCommands;
        reservedNames = reservedNames == null ? List.of() : reservedNames;
    }
}
