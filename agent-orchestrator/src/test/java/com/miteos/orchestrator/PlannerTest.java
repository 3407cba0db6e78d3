package com.miteos.orchestrator;

import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.application.pipeline.Planner;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.domain.run.WorkItem;
import com.miteos.orchestrator.domain.run.RunJournals;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The planner against a model that answers what the test scripts: valid plans, repairs, and giving up. */
@QuarkusTest
class PlannerTest {

    @Inject
    Planner planner;

    @Test
    void aValidPlanIsTakenAsItIs() {
        ScriptedModel model = new ScriptedModel("""
                {"work_items":[{"type":"researcher","title":"Find","instructions":"Search."},
                               {"type":"writer","title":"Write","instructions":"Write it."}]}""");

        List<WorkItem> plan = planner.plan(run(3), model).await().atMost(Duration.ofSeconds(5));

        assertThat(plan).extracting(WorkItem::type).containsExactly("researcher", "writer");
        assertThat(model.calls).hasSize(1);
        assertThat(model.calls.get(0).purpose()).isEqualTo(ModelPurpose.PLAN);
    }

    @Test
    void anInvalidPlanGetsOneRepairAttemptThatSaysWhatWasWrong() {
        ScriptedModel model = new ScriptedModel(
                "```json\n{\"work_items\":[{\"type\":\"Analyst\",\"instructions\":\"x\"}]}\n```",
                "{\"work_items\":[{\"type\":\"writer\",\"instructions\":\"Do all of it.\"}]}");

        List<WorkItem> plan = planner.plan(run(2), model).await().atMost(Duration.ofSeconds(5));

        assertThat(plan).extracting(WorkItem::type).containsExactly("writer");
        assertThat(model.calls).hasSize(2);
        UserMessage repair = (UserMessage) model.calls.get(1).request().messages()
                .get(model.calls.get(1).request().messages().size() - 1);
        assertThat(repair.singleText()).contains("lowercase type");
    }

    @Test
    void aPlanWithMoreItemsThanAgentsIsFittedWithoutARepair() {
        ScriptedModel model = new ScriptedModel("""
                {"work_items":[{"type":"researcher","instructions":"A."},{"type":"analyst","instructions":"B."},
                               {"type":"builder","instructions":"C."},{"type":"writer","instructions":"D."}]}""");

        List<WorkItem> plan = planner.plan(run(2), model).await().atMost(Duration.ofSeconds(5));

        assertThat(plan).extracting(WorkItem::type).containsExactly("researcher", "writer");
        assertThat(plan.get(0).instructions()).contains("B.", "C.");
        assertThat(model.calls).hasSize(1);
    }

    @Test
    void aPlanThatStaysInvalidFailsTheTaskClearly() {
        ScriptedModel model = new ScriptedModel("I would rather not.", "{\"work_items\":[]}");

        assertThatThrownBy(() -> planner.plan(run(3), model).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(ModelCallException.class)
                .satisfies(e -> assertThat(((ModelCallException) e).code()).isEqualTo("invalid_plan"))
                .hasMessageContaining("work_items must be a non-empty array");
    }

    private static TaskRun run(int maxAgents) {
        return new TaskRun("task_planner_test", "acct_test", Mode.TEST, "Compare vector databases.",
                new TaskConfig(maxAgents, 90, false, null, null), RunJournals.discard());
    }

    /** Answers its scripted texts in order, and keeps every call. */
    static final class ScriptedModel implements ModelProvider {
        final List<ModelCall> calls = new ArrayList<>();
        private final Deque<String> answers;

        ScriptedModel(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public String modelName(ModelPurpose purpose) {
            return "miteos-sandbox-1";
        }

        @Override
        public Uni<ChatResponse> chat(ModelCall call) {
            calls.add(call);
            return Uni.createFrom().item(ChatResponse.builder().aiMessage(AiMessage.from(answers.removeFirst()))
                    .tokenUsage(new TokenUsage(10, 5)).build());
        }
    }
}
