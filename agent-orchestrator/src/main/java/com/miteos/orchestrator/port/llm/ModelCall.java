package com.miteos.orchestrator.port.llm;

import com.miteos.model.task.SandboxConfig;
import dev.langchain4j.model.chat.request.ChatRequest;

/**
 * One request to a model: the conversation and tools ({@link ChatRequest}), why it is made,
 * and who makes it.
 *
 * @param purpose   planning, an agent step or the final synthesis
 * @param taskId    the task the call works for
 * @param agentType the agent's type ({@code researcher}, {@code writer}, ...); null when planning
 * @param maxAgents the most work items a plan may hold
 * @param sandbox   the sandbox settings of a sandbox task, null for live tasks; real models ignore it
 * @param request   the messages and tool specifications, exactly what a real model receives
 */
public record ModelCall(ModelPurpose purpose, String taskId, String agentType, int maxAgents, SandboxConfig sandbox,
        ChatRequest request) {
}
