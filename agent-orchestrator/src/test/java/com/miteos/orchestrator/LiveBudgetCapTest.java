package com.miteos.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.config.OrchestratorConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live task with a budget cap against the scripted OpenAI-compatible server: every call goes
 * out with the output limit its reserved price counts on, the task pauses with
 * {@code budget_exhausted} before the call that does not fit (never more than one call's price
 * past the cap), and a resume with a higher cap runs it to completion at the usual cost.
 */
@QuarkusTest
@TestProfile(LiveTaskRunTest.LiveModel.class)
class LiveBudgetCapTest {

    /** The plan's call fits (its estimate is under 0.0095); a researcher's step (over 0.011) does not. */
    static final BigDecimal CAP = new BigDecimal("0.012");

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    OrchestratorConfig config;

    @Test
    void aLiveTaskPausesAtItsCapAndCompletesWithAHigherOne() {
        InMemorySink<String> status = connector.sink("task-status");
        String task = Ids.newId(IdPrefix.TASK);
        String prompt = SandboxTaskRunTest.SEED_PROMPT + " (" + task + ")";
        send(task, new TaskCreated(prompt, new TaskConfig(2, 90, false, null, null, CAP), Instant.now()));

        await().atMost(Duration.ofSeconds(60)).until(() -> PublishedEvents.statuses(status, task).stream()
                .anyMatch(s -> s.status() == TaskStatus.PAUSED || s.status().isTerminal()));
        TaskStatusChanged paused = PublishedEvents.statuses(status, task).stream()
                .filter(s -> s.status() == TaskStatus.PAUSED).findFirst().orElseThrow();

        BigDecimal perCall = BigDecimal.valueOf(ScriptedOpenAiServer.PROMPT_TOKENS).multiply(LiveTaskRunTest.INPUT_PER_1K)
                .add(BigDecimal.valueOf(ScriptedOpenAiServer.COMPLETION_TOKENS).multiply(LiveTaskRunTest.OUTPUT_PER_1K))
                .divide(BigDecimal.valueOf(1000));
        assertThat(paused.statusDetail().reason()).isEqualTo(StatusDetail.BUDGET_EXHAUSTED);
        assertThat(paused.statusDetail().maxCost()).isEqualByComparingTo(CAP);
        assertThat(paused.cost()).isLessThanOrEqualTo(CAP.add(perCall));
        List<JsonNode> sent = requestsOf(task);
        assertThat(sent).isNotEmpty().allSatisfy(r -> assertThat(r.path("max_tokens").isMissingNode()
                ? r.path("max_completion_tokens").asInt() : r.path("max_tokens").asInt())
                .isEqualTo(config.agents().maxOutputTokensPerCall()));
        int sentBeforeResume = sent.size();
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(requestsOf(task)).as("no call while paused").hasSize(sentBeforeResume);

        send(task, new TaskResumeRequested(null, new BigDecimal("1")));

        await().atMost(Duration.ofSeconds(60)).until(() -> lastOf(status, task).status().isTerminal());
        TaskStatusChanged done = lastOf(status, task);
        assertThat(done.status()).as("error: %s", done.error()).isEqualTo(TaskStatus.COMPLETE);
        BigDecimal toolFees = new BigDecimal("0.002").add(new BigDecimal("0.001"));
        assertThat(done.cost()).isEqualByComparingTo(perCall.multiply(BigDecimal.valueOf(7)).add(toolFees));
    }

    private void send(String task, com.miteos.model.event.EventPayload payload) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_live", Mode.LIVE, 0,
                payload)));
    }

    private static List<JsonNode> requestsOf(String task) {
        return ScriptedOpenAiServer.get().chatRequests.stream().filter(r -> r.toString().contains(task)).toList();
    }

    private static TaskStatusChanged lastOf(InMemorySink<String> status, String task) {
        List<TaskStatusChanged> all = PublishedEvents.statuses(status, task);
        return all.get(all.size() - 1);
    }
}
