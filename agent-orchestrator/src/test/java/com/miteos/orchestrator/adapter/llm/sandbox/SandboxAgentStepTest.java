package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Agent steps: {@code ModelPurpose.AGENT_STEP}, one tool call per step, ending in {@code finish}. */
class SandboxAgentStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScriptedOrchestrator orchestrator = ScriptedOrchestrator.withSandboxModel();

    @Test
    void researcherSearchesTwiceThenFinishes() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("researcher", ScriptedOrchestrator.SEED_PROMPT);

        assertThat(run.toolNames()).containsExactly("web_search", "web_search", "finish");
        List<String> queries = run.toolCalls().stream().limit(2).map(call -> arguments(call).path("query").asText()).toList();
        assertThat(queries.get(0)).isEqualTo("open-source vector databases");
        assertThat(queries.get(1)).startsWith("open-source vector databases ").isNotEqualTo(queries.get(0));
    }

    @Test
    void researcherWithAnAngleSearchesForThatAngle() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("researcher", ScriptedOrchestrator.SEED_PROMPT,
                "Research open-source vector databases: licensing, pricing and managed offerings",
                ScriptedOrchestrator.AGENT_TOOLS, null);

        assertThat(arguments(run.toolCalls().get(1)).path("query").asText())
                .isEqualTo("open-source vector databases licensing, pricing and managed offerings");
    }

    @Test
    void researcherSummaryListsTitlesUrlsAndFactsOfRelevantHits() {
        String summary = orchestrator.runAgent("researcher", ScriptedOrchestrator.SEED_PROMPT).finishSummary();

        assertThat(summary).startsWith("Researched the top 5 open-source vector databases.");
        assertThat(summary).contains("Qdrant: open-source vector database and similarity search engine — "
                + "https://qdrant.tech/documentation/overview/: License: Apache-2.0; Language: Rust");
        assertThat(summary).contains("https://milvus.io/docs/overview.md");
    }

    @Test
    void analystSearchesThenWritesACsvDataFileThenFinishes() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("analyst", ScriptedOrchestrator.SEED_PROMPT);

        assertThat(run.toolNames()).containsExactly("web_search", "write_file", "finish");
        assertThat(orchestrator.files()).containsOnlyKeys("vector-database-data.csv");
        List<List<String>> rows = CsvReader.read(orchestrator.files().get("vector-database-data.csv"));
        assertThat(rows.get(0)).startsWith("Database", "License", "Language").endsWith("Source");
        assertThat(rows).hasSizeGreaterThan(2).allSatisfy(row -> assertThat(row).hasSameSizeAs(rows.get(0)));
        assertThat(run.finishSummary()).contains("wrote the data file vector-database-data.csv");
    }

    @Test
    void builderOfALandingPageWritesIndexHtml() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("builder", "Build a responsive landing page for project Apex.");

        assertThat(run.toolNames()).containsExactly("web_search", "write_file", "finish");
        assertThat(orchestrator.files()).containsOnlyKeys("index.html");
        assertThat(orchestrator.files().get("index.html")).startsWith("<!DOCTYPE html>").contains("<h1>Project Apex</h1>");
        assertThat(run.finishSummary()).startsWith("Built index.html");
    }

    @Test
    void builderOfAScriptWritesPythonCode() {
        orchestrator.runAgent("builder", "Write a Python script that compares programming languages.");

        assertThat(orchestrator.files()).containsOnlyKeys("main.py");
        assertThat(orchestrator.files().get("main.py")).startsWith("#!/usr/bin/env python3").contains("def main(argv):");
    }

    @Test
    void writerSearchesOnceThenFinishesWithoutWritingTheDeliverable() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("writer", ScriptedOrchestrator.SEED_PROMPT);

        assertThat(run.toolNames()).containsExactly("web_search", "finish");
        assertThat(orchestrator.files()).isEmpty();
        assertThat(run.finishSummary()).contains("final Markdown comparison report");
    }

    @ParameterizedTest
    @ValueSource(strings = {"researcher", "analyst", "builder", "writer", "reviewer", "RESEARCHER"})
    void toolCallIdsAreSequentialAndUniqueAndEveryLoopEndsWithinSixResults(String agentType) {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent(agentType, ScriptedOrchestrator.SEED_PROMPT);

        List<String> ids = run.toolCalls().stream().map(ToolExecutionRequest::id).toList();
        assertThat(ids).doesNotHaveDuplicates();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo("call_" + (i + 1));
        }
        assertThat(run.toolResultCount()).isLessThanOrEqualTo(SandboxAgentBehaviour.MAX_TOOL_RESULTS);
        assertThat(run.toolNames()).last().isEqualTo("finish");
    }

    @ParameterizedTest
    @ValueSource(strings = {"researcher", "analyst", "builder", "writer"})
    void anyAgentFinishesOnceSixToolResultsAreIn(String agentType) {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from("Agent."),
                UserMessage.from("Task:\n" + ScriptedOrchestrator.SEED_PROMPT + "\n\nWork item: Research")));
        for (int i = 1; i <= SandboxAgentBehaviour.MAX_TOOL_RESULTS; i++) {
            ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_" + i).name("list_files").arguments("{}").build();
            messages.add(AiMessage.from(call));
            messages.add(ToolExecutionResultMessage.from(call, "[]"));
        }

        AiMessage answer = step(agentType, messages, ScriptedOrchestrator.AGENT_TOOLS).aiMessage();

        assertThat(answer.toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("finish");
            assertThat(call.id()).isEqualTo("call_7");
        });
    }

    @Test
    void toolsThatAreNotOfferedAreNeverCalled() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("analyst", ScriptedOrchestrator.SEED_PROMPT,
                "Compare", List.of(ScriptedOrchestrator.WEB_SEARCH, ScriptedOrchestrator.FINISH), null);

        assertThat(run.toolNames()).containsExactly("web_search", "finish");
    }

    @Test
    void withoutAFinishToolTheAgentAnswersItsSummaryAsText() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runAgent("writer", ScriptedOrchestrator.SEED_PROMPT,
                "Write", List.of(ScriptedOrchestrator.WEB_SEARCH), null);

        AiMessage last = (AiMessage) run.messages().get(run.messages().size() - 1);
        assertThat(last.hasToolExecutionRequests()).isFalse();
        assertThat(last.text()).contains("vector databases");
    }

    @Test
    void unparsableOrUnwrappedToolResultsAreTolerated() {
        ToolExecutionRequest search = ToolExecutionRequest.builder().id("call_1").name("web_search")
                .arguments("{\"query\":\"x\"}").build();
        ToolExecutionRequest again = ToolExecutionRequest.builder().id("call_2").name("web_search")
                .arguments("{\"query\":\"y\"}").build();
        List<ChatMessage> messages = List.of(
                SystemMessage.from("Agent."),
                UserMessage.from("Task: " + ScriptedOrchestrator.SEED_PROMPT),
                AiMessage.from(search),
                ToolExecutionResultMessage.from(search, ScriptedOrchestrator.wrapped("web_search", "not json at all [")),
                AiMessage.from(again),
                ToolExecutionResultMessage.from(again, "[{\"title\":\"Milvus\",\"url\":\"https://milvus.io/docs/overview.md\"}]"));

        AiMessage answer = step("researcher", messages, ScriptedOrchestrator.AGENT_TOOLS).aiMessage();

        ToolExecutionRequest finish = answer.toolExecutionRequests().get(0);
        assertThat(finish.name()).isEqualTo(ToolNames.FINISH);
        assertThat(arguments(finish).path("summary").asText()).contains("https://milvus.io/docs/overview.md");
    }

    @Test
    void taskMarkerIsOptional() {
        List<ChatMessage> messages = List.of(SystemMessage.from("Agent."), UserMessage.from(ScriptedOrchestrator.SEED_PROMPT));

        AiMessage answer = step("researcher", messages, ScriptedOrchestrator.AGENT_TOOLS).aiMessage();

        assertThat(arguments(answer.toolExecutionRequests().get(0)).path("query").asText())
                .isEqualTo("open-source vector databases");
    }

    private ChatResponse step(String agentType, List<ChatMessage> messages, List<dev.langchain4j.agent.tool.ToolSpecification> tools) {
        ChatRequest request = ChatRequest.builder().messages(messages).toolSpecifications(tools).build();
        return orchestrator.call(new ModelCall(ModelPurpose.AGENT_STEP, "task_1", agentType, request));
    }

    private static JsonNode arguments(ToolExecutionRequest call) {
        try {
            return JSON.readTree(call.arguments());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
