package com.miteos.orchestrator.tool;

import com.miteos.orchestrator.agent.TaskRun;

/**
 * What a tool call may touch: its own task (and through it only that task's files), the agent
 * that calls, and the search provider of the task's mode (null when none is configured).
 */
public record ToolContext(TaskRun run, String agentId, SearchProvider search) {
}
