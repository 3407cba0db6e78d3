package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.adapter.vertx.OffEventLoop;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.Objects;

/**
 * The built-in "model" of sandbox tasks: answers planning, agent and synthesis calls like a
 * tool-calling LLM would, but deterministically and offline, from the {@link SandboxCorpus}.
 * Sandbox tasks thereby run the real pipeline (planner, parallel agent loops, tools,
 * synthesis, deliverables, events) for free, like a payment provider's test mode.
 *
 * <p>Each instance serves one task and is made by {@link SandboxModels#forTask}, bound to that
 * task's settings: the most work items a plan may hold and the sandbox outcome. Every answer is
 * a pure function of the {@link ModelCall} and those settings: no randomness, no clock, no
 * state between calls, so a task resumed from a checkpoint continues exactly as it would have.
 * Token usage is estimated at four characters per token so that cost meters see realistic
 * numbers. Step delays ({@code config.sandbox.step_delay_ms}) are the caller's business; the
 * answer is computed as soon as the returned {@link Uni} is subscribed to.
 *
 * <p>It is computed on a worker thread and handed back on the caller's Vert.x context
 * ({@link OffEventLoop}), not on the event loop of the run that asks: usually short work on
 * in-memory data, but on a fresh JVM the first answers load and compile the model's code and took
 * seconds, and an event loop held that long holds everything else on it (other runs, database
 * connections, the journal's writes, the commands waiting for them). Where it is computed changes
 * nothing in the answer: it is still a pure function of the call.
 *
 * <p>With {@code config.sandbox.outcome = "fail"}, every call whose conversation already holds
 * a tool result fails with {@code sandbox_failure}: plans succeed, each agent runs its first
 * tool, then its next model call fails.
 */
public final class SandboxModel implements ModelProvider {

    public static final String MODEL_NAME = "miteos-sandbox-1";
    public static final String FAILURE_CODE = "sandbox_failure";

    private static final int CHARACTERS_PER_TOKEN = 4;

    private final SandboxPlanner planner;
    private final SandboxAgentBehaviour agents;
    private final SandboxSynthesis synthesis;
    private final int maxAgents;
    private final boolean configuredToFail;

    SandboxModel(SandboxPlanner planner, SandboxAgentBehaviour agents, SandboxSynthesis synthesis, int maxAgents,
            boolean configuredToFail) {
        this.planner = planner;
        this.agents = agents;
        this.synthesis = synthesis;
        this.maxAgents = maxAgents;
        this.configuredToFail = configuredToFail;
    }

    @Override
    public String modelName(ModelPurpose purpose) {
        return MODEL_NAME;
    }

    @Override
    public Uni<ChatResponse> chat(ModelCall call) {
        // Computed on subscription, off the event loop; a thrown ModelCallException becomes the Uni's failure.
        return OffEventLoop.call(Infrastructure.getDefaultWorkerPool(), () -> answer(call));
    }

    private ChatResponse answer(ModelCall call) {
        SandboxConversation conversation = new SandboxConversation(call.request());
        if (configuredToFail && conversation.toolResultCount() > 0) {
            throw new ModelCallException(FAILURE_CODE,
                    "The sandbox run was configured to fail (config.sandbox.outcome = \"fail\").");
        }
        AiMessage message = switch (call.purpose()) {
            case PLAN -> AiMessage.from(planner.plan(conversation.taskPrompt(), maxAgents));
            case AGENT_STEP -> agents.nextStep(call.agentType(), conversation);
            case SYNTHESIS -> synthesis.nextStep(conversation);
        };
        return ChatResponse.builder()
                .aiMessage(message)
                .modelName(MODEL_NAME)
                .tokenUsage(new TokenUsage(tokens(conversation.characterCount()), tokens(outputCharacters(message))))
                .finishReason(message.hasToolExecutionRequests() ? FinishReason.TOOL_EXECUTION : FinishReason.STOP)
                .build();
    }

    private static long outputCharacters(AiMessage message) {
        long characters = message.text() == null ? 0 : message.text().length();
        if (message.hasToolExecutionRequests()) {
            characters += message.toolExecutionRequests().stream()
                    .map(ToolExecutionRequest::arguments)
                    .mapToLong(arguments -> Objects.toString(arguments, "").length())
                    .sum();
        }
        return characters;
    }

    /** Rounded up, and at least one: every real call costs something. */
    private static int tokens(long characters) {
        long tokens = (characters + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, tokens));
    }
}
