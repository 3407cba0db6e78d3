package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Planning calls: {@code ModelPurpose.PLAN} answered with a JSON plan of work items. */
class SandboxPlanningTest {

    private static final List<String> PROMPTS = List.of(
            ScriptedOrchestrator.SEED_PROMPT,
            "Build a responsive landing page for project Apex.",
            "Compare Apache Kafka, RabbitMQ and Pulsar and export the comparison as CSV.",
            "Write a haiku about autumn leaves.");

    private final ScriptedOrchestrator orchestrator = ScriptedOrchestrator.withSandboxModel();

    static Stream<Arguments> promptsAndAgentLimits() {
        return PROMPTS.stream().flatMap(prompt -> IntStream.rangeClosed(1, 10).mapToObj(max -> Arguments.of(prompt, max)));
    }

    @ParameterizedTest(name = "max {1}: {0}")
    @MethodSource("promptsAndAgentLimits")
    void planHasBetweenOneAndMaxAgentsItemsAndEndsWithTheWriter(String prompt, int maxAgents) {
        List<JsonNode> plan = orchestrator.plan(prompt, maxAgents);

        assertThat(plan).hasSizeBetween(1, maxAgents);
        assertThat(plan.get(plan.size() - 1).path("type").asText()).isEqualTo("writer");
        assertThat(plan).allSatisfy(item -> {
            assertThat(item.path("type").asText()).isIn("researcher", "analyst", "builder", "writer");
            assertThat(item.path("title").asText()).isNotBlank();
            assertThat(item.path("instructions").asText()).isNotBlank();
        });
        assertThat(plan.stream().map(item -> item.path("title").asText()).distinct()).hasSameSizeAs(plan);
    }

    @Test
    void seedPromptWithThreeAgentsPlansResearcherAnalystAndWriter() {
        List<JsonNode> plan = orchestrator.plan(ScriptedOrchestrator.SEED_PROMPT, 3);

        assertThat(plan).extracting(item -> item.path("type").asText()).containsExactly("researcher", "analyst", "writer");
        assertThat(plan).allSatisfy(item -> assertThat(item.path("title").asText()).contains("vector databases"));
        assertThat(plan.get(2).path("instructions").asText()).contains("vector-database-comparison.md");
    }

    @Test
    void singleAgentPlanIsOneWriterThatOwnsTheDeliverable() {
        assertThat(orchestrator.plan(ScriptedOrchestrator.SEED_PROMPT, 1))
                .extracting(item -> item.path("type").asText()).containsExactly("writer");
    }

    @Test
    void spareSlotsGoToResearchersWithDistinctAngles() {
        List<JsonNode> plan = orchestrator.plan(ScriptedOrchestrator.SEED_PROMPT, 10);

        assertThat(plan).extracting(item -> item.path("type").asText())
                .containsExactly("researcher", "analyst", "researcher", "researcher", "researcher", "writer");
    }

    @Test
    void buildPromptsGetABuilder() {
        assertThat(orchestrator.plan("Build a responsive landing page for project Apex.", 3))
                .extracting(item -> item.path("type").asText()).containsExactly("builder", "writer");
    }

    @Test
    void planIsPlainTextWithoutToolCalls() {
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from("Plan."), UserMessage.from(ScriptedOrchestrator.SEED_PROMPT))
                .build();

        ChatResponse response = orchestrator.call(new ModelCall(ModelPurpose.PLAN, "task_1", null, request));

        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.aiMessage().text()).startsWith("{\"work_items\":[");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void zeroOrNegativeMaxAgentsStillPlansOneWriter() {
        assertThat(orchestrator.plan(ScriptedOrchestrator.SEED_PROMPT, 0)).hasSize(1);
        assertThat(orchestrator.plan(ScriptedOrchestrator.SEED_PROMPT, -3)).hasSize(1);
    }
}
