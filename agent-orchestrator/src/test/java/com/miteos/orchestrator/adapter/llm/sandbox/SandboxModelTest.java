package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link SandboxModel} as a {@code ModelProvider}, made by {@link SandboxModels} for a task's
 * settings: names, determinism, token usage, the fail outcome.
 */
class SandboxModelTest {

    private static final SandboxConfig FAIL = new SandboxConfig(0, SandboxOutcome.FAIL);

    private final SandboxModels models = new SandboxModels(SandboxCorpus.bundled());
    private final SandboxModel model = models.forTask(config(null));

    @ParameterizedTest
    @EnumSource(ModelPurpose.class)
    void everyPurposeIsAnsweredByTheSandboxModel(ModelPurpose purpose) {
        assertThat(model.modelName(purpose)).isEqualTo("miteos-sandbox-1");
        assertThat(answer(call(purpose, conversationAfterOneSearch())).modelName()).isEqualTo("miteos-sandbox-1");
    }

    @ParameterizedTest
    @EnumSource(ModelPurpose.class)
    void sameCallGivesEqualResponsesEvenFromAnotherInstance(ModelPurpose purpose) {
        ModelCall call = call(purpose, conversationAfterOneSearch());

        ChatResponse first = answer(call);

        assertThat(answer(call)).isEqualTo(first);
        SandboxModel another = new SandboxModels(SandboxCorpus.bundled()).forTask(config(null));
        assertThat(another.chat(call).await().indefinitely()).isEqualTo(first);
    }

    @Test
    void answerComesOnceSubscribedWithoutAnyDelayOfItsOwn() {
        UniAssertSubscriber<ChatResponse> subscriber = model.chat(call(ModelPurpose.PLAN, planConversation()))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        // Computed on a worker thread (SandboxModel), not on the subscriber's: it comes a moment later.
        subscriber.awaitItem(java.time.Duration.ofSeconds(10)).assertCompleted();
    }

    @ParameterizedTest
    @EnumSource(ModelPurpose.class)
    void tokenUsageIsAQuarterOfTheCharactersRoundedUp(ModelPurpose purpose) {
        List<ChatMessage> messages = conversationAfterOneSearch();
        ChatResponse response = answer(call(purpose, messages));

        long inputCharacters = 0;
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage system) {
                inputCharacters += system.text().length();
            } else if (message instanceof UserMessage user) {
                inputCharacters += user.singleText().length();
            } else if (message instanceof AiMessage ai) {
                inputCharacters += ai.toolExecutionRequests().stream()
                        .mapToInt(request -> request.name().length() + request.arguments().length()).sum();
            } else if (message instanceof ToolExecutionResultMessage result) {
                inputCharacters += result.text().length();
            }
        }
        AiMessage answer = response.aiMessage();
        long outputCharacters = (answer.text() == null ? 0 : answer.text().length())
                + answer.toolExecutionRequests().stream().mapToInt(request -> request.arguments().length()).sum();

        assertThat(response.tokenUsage().inputTokenCount()).isPositive().isEqualTo((int) Math.ceil(inputCharacters / 4.0));
        assertThat(response.tokenUsage().outputTokenCount()).isPositive().isEqualTo((int) Math.ceil(outputCharacters / 4.0));
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(response.tokenUsage().inputTokenCount() + response.tokenUsage().outputTokenCount());
    }

    @Test
    void finishReasonIsToolExecutionForToolCallsAndStopForText() {
        assertThat(answer(call(ModelPurpose.AGENT_STEP, conversationAfterOneSearch())).finishReason())
                .isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(answer(call(ModelPurpose.PLAN, planConversation())).finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void failOutcomeLetsTheFirstStepThroughSoTheRunVisiblyStarts() {
        List<ChatMessage> start = List.of(SystemMessage.from("Agent."), UserMessage.from("Task: " + ScriptedOrchestrator.SEED_PROMPT));

        assertThat(answer(call(ModelPurpose.PLAN, planConversation()), FAIL).aiMessage().text()).contains("work_items");
        assertThat(answer(call(ModelPurpose.AGENT_STEP, start), FAIL).aiMessage().toolExecutionRequests()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(ModelPurpose.class)
    void failOutcomeFailsEveryCallOnceAToolResultIsIn(ModelPurpose purpose) {
        ModelCall call = call(purpose, conversationAfterOneSearch());

        UniAssertSubscriber<ChatResponse> subscriber = models.forTask(config(FAIL)).chat(call).subscribe().withSubscriber(UniAssertSubscriber.create());

        // The answer is computed off the calling thread (SandboxModel): wait for it.
        subscriber.awaitFailure().assertFailedWith(ModelCallException.class, "configured to fail");
        assertThat(((ModelCallException) subscriber.getFailure()).code()).isEqualTo("sandbox_failure");
        assertThat(subscriber.getFailure()).hasMessage(
                "The sandbox run was configured to fail (config.sandbox.outcome = \"fail\").");
    }

    @Test
    void failedCallSurfacesAsModelCallExceptionWhenAwaited() {
        assertThatThrownBy(() -> answer(call(ModelPurpose.AGENT_STEP, conversationAfterOneSearch()), FAIL))
                .isInstanceOfSatisfying(ModelCallException.class,
                        failure -> assertThat(failure.code()).isEqualTo(SandboxModel.FAILURE_CODE));
    }

    /**
     * Where the fail outcome fails (a tool result is in), the complete outcome, with or without a
     * step delay, answers exactly as a call without sandbox settings does, and with a real answer.
     */
    @ParameterizedTest
    @EnumSource(ModelPurpose.class)
    void completeOutcomeAnswersExactlyAsWithoutSandboxSettings(ModelPurpose purpose) {
        List<ChatMessage> conversation = conversationAfterOneSearch();
        ChatResponse unconfigured = answer(call(purpose, conversation));

        assertThat(answer(call(purpose, conversation), SandboxConfig.defaults())).isEqualTo(unconfigured);
        assertThat(answer(call(purpose, conversation), new SandboxConfig(250, SandboxOutcome.COMPLETE)))
                .isEqualTo(unconfigured);
        AiMessage message = unconfigured.aiMessage();
        assertThat(message.hasToolExecutionRequests() || message.text() != null && !message.text().isBlank())
                .as("an answer with text or a tool call: %s", message).isTrue();
        assertThatThrownBy(() -> answer(call(purpose, conversation), FAIL)).isInstanceOf(ModelCallException.class);
    }

    @Test
    void afterOneSearchAnAgentStepCallsAnotherTool() {
        ChatResponse response = answer(call(ModelPurpose.AGENT_STEP, conversationAfterOneSearch()),
                SandboxConfig.defaults());

        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).singleElement().satisfies(request -> {
            assertThat(request.name()).isIn(ScriptedOrchestrator.AGENT_TOOLS.stream().map(t -> t.name()).toList());
            assertThat(request.id()).isNotBlank();
            assertThat(request.arguments()).startsWith("{");
        });
    }

    /** Models of different tasks share their parts, yet each keeps its own task's settings. */
    @Test
    void eachTaskModelKeepsItsOwnSettings() {
        SandboxModel failing = models.forTask(config(FAIL));
        SandboxModel oneAgent = models.forTask(new TaskConfig(1, 90, false, null, null));
        ModelCall step = call(ModelPurpose.AGENT_STEP, conversationAfterOneSearch());
        ModelCall plan = call(ModelPurpose.PLAN, planConversation());

        assertThatThrownBy(() -> failing.chat(step).await().indefinitely()).isInstanceOf(ModelCallException.class);
        assertThat(answer(step).aiMessage().hasToolExecutionRequests()).isTrue();
        assertThat(workItems(oneAgent.chat(plan).await().indefinitely())).isEqualTo(1);
        assertThat(workItems(answer(plan))).isEqualTo(3);
    }

    @Test
    void failOutcomeEndsAWholeAgentLoopWithSandboxFailure() {
        ScriptedOrchestrator orchestrator = ScriptedOrchestrator.withSandboxModel();

        assertThatThrownBy(() -> orchestrator.runAgent("researcher", ScriptedOrchestrator.SEED_PROMPT, "Research",
                ScriptedOrchestrator.AGENT_TOOLS, FAIL))
                .isInstanceOf(ModelCallException.class)
                .extracting(failure -> ((ModelCallException) failure).code()).isEqualTo("sandbox_failure");
    }

    private ChatResponse answer(ModelCall call) {
        return model.chat(call).await().indefinitely();
    }

    /** The answer of the model of a task with these sandbox settings. */
    private ChatResponse answer(ModelCall call, SandboxConfig sandbox) {
        return models.forTask(config(sandbox)).chat(call).await().indefinitely();
    }

    private static TaskConfig config(SandboxConfig sandbox) {
        return new TaskConfig(3, 90, false, null, sandbox);
    }

    private static ModelCall call(ModelPurpose purpose, List<ChatMessage> messages) {
        ChatRequest request = ChatRequest.builder()
                .messages(messages)
                .toolSpecifications(purpose == ModelPurpose.SYNTHESIS ? ScriptedOrchestrator.SYNTHESIS_TOOLS
                        : purpose == ModelPurpose.AGENT_STEP ? ScriptedOrchestrator.AGENT_TOOLS : List.of())
                .build();
        return new ModelCall(purpose, "task_1", purpose == ModelPurpose.AGENT_STEP ? "researcher" : null, request);
    }

    private static int workItems(ChatResponse plan) {
        return plan.aiMessage().text().split("\"type\"", -1).length - 1;
    }

    private static List<ChatMessage> planConversation() {
        return List.of(SystemMessage.from("Plan."), UserMessage.from(ScriptedOrchestrator.SEED_PROMPT));
    }

    private static List<ChatMessage> conversationAfterOneSearch() {
        ToolExecutionRequest search = ToolExecutionRequest.builder().id("call_1").name("web_search")
                .arguments("{\"query\":\"open-source vector databases\"}").build();
        return List.of(
                SystemMessage.from("You are a researcher."),
                UserMessage.from("Task:\n" + ScriptedOrchestrator.SEED_PROMPT + "\n\nWork item: Research"),
                AiMessage.from(search),
                ToolExecutionResultMessage.from(search, ScriptedOrchestrator.wrapped("web_search",
                        "[{\"title\":\"Milvus\",\"url\":\"https://milvus.io/docs/overview.md\",\"snippet\":\"Milvus.\"}]")));
    }
}
