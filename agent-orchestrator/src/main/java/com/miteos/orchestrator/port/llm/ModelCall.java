package com.miteos.orchestrator.port.llm;

import dev.langchain4j.model.chat.request.ChatRequest;

/**
 * One request to a model: the conversation and tools ({@link ChatRequest}), why it is made,
 * and who makes it.
 *
 * @param purpose   planning, an agent step or the final synthesis
 * @param taskId    the task the call works for
 * @param agentType the agent's type ({@code researcher}, {@code writer}, ...); null when planning
 * @param request   the messages and tool specifications, exactly what a real model receives
 */
public record ModelCall(ModelPurpose purpose, String taskId, String agentType, ChatRequest request) {
}
