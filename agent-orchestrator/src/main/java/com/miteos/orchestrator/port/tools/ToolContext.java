package com.miteos.orchestrator.port.tools;

import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.search.SearchProvider;

/**
 * What a tool call may touch: its own task (and through it only that task's files), the agent
 * that calls, and the search provider of the task's mode (null when none is configured).
 * {@code callId} is the model's id of the tool call being run: a call repeated after a crash has
 * the same id, which is what lets a tool with effects do them once.
 */
public record ToolContext(TaskRun run, String agentId, SearchProvider search, String callId) {

    public ToolContext(TaskRun run, String agentId, SearchProvider search) {
        this(run, agentId, search, null);
    }

    /** The same context for one tool call. */
    public ToolContext forCall(String id) {
        return new ToolContext(run, agentId, search, id);
    }
}
