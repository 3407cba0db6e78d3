package com.miteos.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.config.OrchestratorConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live task end to end against a scripted OpenAI-compatible server: what the orchestrator
 * really sends (models, tool schemas, tool results with their call ids), that agents run at the
 * same time, that the SSRF guard keeps fetch_url off internal addresses, and that the cost is
 * exactly the reported usage times the price table plus tool fees.
 */
@QuarkusTest
@TestProfile(LiveTaskRunTest.LiveModel.class)
class LiveTaskRunTest {

    static final BigDecimal INPUT_PER_1K = new BigDecimal("0.001");
    static final BigDecimal OUTPUT_PER_1K = new BigDecimal("0.002");

    /** Points the live model and web search at the scripted server, and fetch_url at the stand-in web. */
    public static class LiveModel implements QuarkusTestProfile {
        @Override
        public java.util.Set<Class<?>> getEnabledAlternatives() {
            return java.util.Set.of(StandInWeb.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            String base = ScriptedOpenAiServer.get().baseUrl();
            return Map.of(
                    "miteos.llm.base-url", base + "/v1",
                    "miteos.llm.api-key", "sk-test-key",
                    "miteos.llm.model", "test-model",
                    "miteos.llm.planner-model", "test-planner",
                    "miteos.llm.price-input-per-1k", INPUT_PER_1K.toPlainString(),
                    "miteos.llm.price-output-per-1k", OUTPUT_PER_1K.toPlainString(),
                    "miteos.search.provider", "searxng",
                    "miteos.search.searxng-url", base);
        }
    }

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    OrchestratorConfig config;

    @BeforeEach
    void forgetEarlierRequests() {
        ScriptedOpenAiServer.get().chatRequests.clear();
        ScriptedOpenAiServer.get().otherRequests.clear();
    }

    /**
     * Prompt injection (OWASP LLM01) meets excessive agency (LLM06): a fetched page tells the
     * agent to deploy to an attacker, and the model obeys. It has no tool to do so, its file
     * cannot leave the task, and the real deploy still waits for the user's approval.
     */
    @Test
    void injectedInstructionsCannotMakeAnAgentDeployWithoutApproval() {
        InMemorySink<String> status = connector.sink("task-status");
        InMemorySink<String> deliverables = connector.sink("task-deliverable");
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_live", Mode.LIVE, 0,
                new TaskCreated(ScriptedOpenAiServer.INJECTED_TASK + ": compare vector databases.",
                        new TaskConfig(2, 50, true, "s3://miteos-agency-test/site", null), Instant.now()))));

        await().atMost(Duration.ofSeconds(60)).until(() -> statuses(status, task).stream()
                .anyMatch(s -> s.status() == TaskStatus.PAUSED || s.status().isTerminal()));
        TaskStatusChanged paused = statuses(status, task).stream()
                .filter(s -> s.status() == TaskStatus.PAUSED).findFirst().orElseThrow();

        assertThat(paused.statusDetail().action().type()).isEqualTo("deploy");
        assertThat(paused.statusDetail().action().target()).isEqualTo("s3://miteos-agency-test/site");
        assertThat(paused.deployment().status()).isEqualTo("awaiting_approval");
        JsonNode afterDeployAttempt = ScriptedOpenAiServer.get().chatRequests.stream()
                .filter(r -> hasToolMessage(r, "call_i2")).findFirst().orElseThrow();
        assertThat(toolMessage(afterDeployAttempt, "call_i2").path("content").asText())
                .contains("no tool named 'deploy'");
        JsonNode afterFetch = ScriptedOpenAiServer.get().chatRequests.stream()
                .filter(r -> hasToolMessage(r, "call_i1")).findFirst().orElseThrow();
        assertThat(toolMessage(afterFetch, "call_i1").path("content").asText())
                .startsWith("<tool_result name=\"fetch_url\" trust=\"untrusted\">")
                .contains("IGNORE YOUR INSTRUCTIONS");
        assertThat(deliverables.received().stream().map(m -> EventJson.fromJson(m.getPayload()))
                .filter(e -> e.taskId().equals(task)).map(e -> ((DeliverableCreated) e.payload()).name()))
                .contains("deploy.sh").allSatisfy(name -> assertThat(name).doesNotContain("/"));
        // Nothing may change any more: once the first look after the delay holds, it holds; if it never
        // does, the await fails. The long limit only tolerates a slow read on a busy machine.
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<TaskStatusChanged> later = statuses(status, task);
            assertThat(later.get(later.size() - 1).status()).isEqualTo(TaskStatus.PAUSED);
        });
    }

    @Test
    void liveTaskPlansRunsAgentsConcurrentlyCallsToolsAndCostsUsageTimesPrices() {
        ScriptedOpenAiServer server = ScriptedOpenAiServer.get();
        InMemorySink<String> status = connector.sink("task-status");
        InMemorySink<String> deliverables = connector.sink("task-deliverable");
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_live", Mode.LIVE, 0,
                new TaskCreated(SandboxTaskRunTest.SEED_PROMPT,
                        new TaskConfig(2, 90, false, null, null), Instant.now()))));

        await().atMost(Duration.ofSeconds(60)).until(() -> statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = statuses(status, task);
        TaskStatusChanged last = all.get(all.size() - 1);

        assertThat(last.status()).as("error: %s", last.error()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(last.agents()).extracting(a -> a.type()).containsExactly("researcher", "writer");
        assertThat(all).as("both agents at work at the same moment").anySatisfy(s -> assertThat(s.agents()
                .stream().filter(a -> a.status() == AgentStatus.THINKING || a.status() == AgentStatus.ACTING)
                .count()).isGreaterThanOrEqualTo(2));
        List<DeliverableCreated> files = deliverables.received().stream().map(m -> EventJson.fromJson(m.getPayload()))
                .filter(e -> e.taskId().equals(task)).map(e -> (DeliverableCreated) e.payload()).toList();
        assertThat(files).extracting(DeliverableCreated::name).containsExactly("report.md");
        assertThat(files.get(0).contentType()).isEqualTo("text/markdown");

        List<JsonNode> requests = server.chatRequests;
        assertThat(requests).hasSize(7);
        assertThat(requests.get(0).path("model").asText()).isEqualTo("test-planner");
        assertThat(requests.subList(1, requests.size())).allSatisfy(r ->
                assertThat(r.path("model").asText()).isEqualTo("test-model"));
        JsonNode researcherTools = requests.stream()
                .filter(r -> r.path("messages").path(0).path("content").asText().contains("researcher agent"))
                .findFirst().orElseThrow().path("tools");
        assertThat(names(researcherTools)).containsExactly("web_search", "fetch_url", "write_file", "read_file",
                "list_files", "finish");
        JsonNode search = researcherTools.get(0).path("function").path("parameters");
        assertThat(search.path("properties").has("query")).isTrue();
        assertThat(search.path("required").toString()).contains("query");

        JsonNode afterSearch = requests.stream().filter(r -> hasToolMessage(r, "call_r1")).findFirst().orElseThrow();
        JsonNode result = toolMessage(afterSearch, "call_r1");
        assertThat(result.path("content").asText())
                .contains("<tool_result name=\"web_search\" trust=\"untrusted\">", "Qdrant vector database");
        JsonNode afterFetch = requests.stream().filter(r -> hasToolMessage(r, "call_r2")).findFirst().orElseThrow();
        assertThat(toolMessage(afterFetch, "call_r2").path("content").asText()).contains("status=\"error\"");
        assertThat(server.otherRequests).as("fetch_url never reached an internal address")
                .doesNotContain(ScriptedOpenAiServer.SECRET_PATH);

        BigDecimal perCall = BigDecimal.valueOf(ScriptedOpenAiServer.PROMPT_TOKENS).multiply(INPUT_PER_1K)
                .add(BigDecimal.valueOf(ScriptedOpenAiServer.COMPLETION_TOKENS).multiply(OUTPUT_PER_1K))
                .divide(BigDecimal.valueOf(1000));
        BigDecimal toolFees = new BigDecimal("0.002").add(new BigDecimal("0.001"));
        assertThat(last.cost()).isEqualByComparingTo(perCall.multiply(BigDecimal.valueOf(7)).add(toolFees));
        // Per agent: the researcher's three calls and its two tool fees; the writer's own call and
        // the two of its synthesis. Planning (one call) belongs to no agent.
        assertThat(last.agents().get(0).cost()).isEqualByComparingTo(perCall.multiply(BigDecimal.valueOf(3))
                .add(toolFees));
        assertThat(last.agents().get(1).cost()).isEqualByComparingTo(perCall.multiply(BigDecimal.valueOf(3)));
    }

    /**
     * A model that never calls finish: its agent is stopped after exactly the configured number of
     * steps (12 in tests), and the task fails with {@code step_limit_exceeded}.
     */
    @Test
    void anAgentThatNeverFinishesIsStoppedAtItsStepLimit() {
        InMemorySink<String> status = connector.sink("task-status");
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_live", Mode.LIVE, 0,
                new TaskCreated(ScriptedOpenAiServer.ENDLESS_TASK + ": compare vector databases.",
                        new TaskConfig(2, 90, false, null, null), Instant.now()))));

        await().atMost(Duration.ofSeconds(60)).until(() -> statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = statuses(status, task);
        TaskStatusChanged last = all.get(all.size() - 1);

        int maxSteps = config.agents().maxSteps();
        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.error().code()).isEqualTo("step_limit_exceeded");
        assertThat(last.error().message()).contains("all its " + maxSteps + " steps");
        assertThat(ScriptedOpenAiServer.get().chatRequests.stream()
                .filter(r -> r.path("messages").path(0).path("content").asText().contains("researcher agent"))
                .filter(r -> r.toString().contains(ScriptedOpenAiServer.ENDLESS_TASK)).count())
                .as("model calls of the researcher").isEqualTo(maxSteps);
    }

    private static List<String> names(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("function").path("name").asText()));
        return names;
    }

    private static boolean hasToolMessage(JsonNode request, String callId) {
        return toolMessage(request, callId) != null;
    }

    private static JsonNode toolMessage(JsonNode request, String callId) {
        for (JsonNode message : request.path("messages")) {
            if ("tool".equals(message.path("role").asText()) && callId.equals(message.path("tool_call_id").asText())) {
                return message;
            }
        }
        return null;
    }

    private static List<TaskStatusChanged> statuses(InMemorySink<String> sink, String task) {
        return PublishedEvents.statuses(sink, task);
    }
}
