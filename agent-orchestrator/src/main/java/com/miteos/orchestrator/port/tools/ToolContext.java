package com.miteos.orchestrator.port.tools;

import com.miteos.model.task.Mode;
import com.miteos.orchestrator.port.files.TaskFiles;
import com.miteos.orchestrator.port.search.SearchProvider;

/**
 * What a tool call may touch: its task's id and mode, the agent that calls (for logs), only
 * that task's files, and the search provider of the task's mode (null when none is configured).
 * {@code callId} is the model's id of the tool call being run: a call repeated after a crash has
 * the same id, which is what lets a tool with effects do them once.
 */
public record ToolContext(String taskId, Mode mode, String agentId, TaskFiles files, SearchProvider search,
        String callId) {

    public ToolContext(String taskId, Mode mode, String agentId, TaskFiles files, SearchProvider search) {
        this(taskId, mode, agentId, files, search, null);
    }

    /** The same context for one tool call. */
    public ToolContext forCall(String id) {
        return new ToolContext(taskId, mode, agentId, files, search, id);
    }
}
