package com.miteos.orchestrator.application.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.application.pipeline.Planner.InvalidPlan;
import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.cost.TestPricing;
import com.miteos.orchestrator.domain.run.JournalEntry;
import com.miteos.orchestrator.domain.run.RunState;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.domain.run.WorkItem;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the planner accepts from a model as a plan, what it refuses and why, and what the plan's
 * calls are charged: everything a model's answer can do to a task before any agent runs.
 * Plain unit tests: no Quarkus, a scripted model and a price table written here.
 */
class PlanValidationTest {

    /** 0.5 credits per 1,000 input tokens, 1.5 per 1,000 output: a 1,000 + 1,000 token call costs 2. */
    private final CostMeter meter = new TestPricing().model("planner-model", "0.5", "1.5").meter();
    private final Planner planner = new Planner(new ObjectMapper(), meter, new BudgetGuard(meter, 1_000));
    private final List<JournalEntry> journal = new ArrayList<>();

    // --- what a plan may hold ---

    @Test
    void aValidPlanKeepsEveryItemsTypeTitleAndInstructionsInOrder() {
        List<WorkItem> plan = planner.parse("""
                {"work_items":[{"type":"researcher","title":"Find","instructions":"Search."},
                               {"type":"writer","title":"Write","instructions":"Write it."}]}""", 2);

        assertThat(plan).containsExactly(new WorkItem("researcher", "Find", "Search."),
                new WorkItem("writer", "Write", "Write it."));
    }

    @Test
    void aPlanInMarkdownFencesIsReadFromInsideThem() {
        List<WorkItem> plan = planner.parse("  ```json\n{\"work_items\":[{\"type\":\"writer\",\"instructions\":\"x\"}]}\n```  ",
                1);

        assertThat(plan).extracting(WorkItem::type).containsExactly("writer");
    }

    @Test
    void anOpeningFenceWithoutItsClosingFenceIsNotAPlan() {
        assertThatThrownBy(() -> planner.parse("```json\n{\"work_items\":[{\"type\":\"writer\",\"instructions\":\"x\"}]}",
                1)).isInstanceOf(InvalidPlan.class).hasMessage("it is not a JSON object");
    }

    @Test
    void exactlyMaxAgentsItemsAreTakenAsTheyAre() {
        String three = "{\"work_items\":[" + item("a") + "," + item("b") + "," + item("c") + "]}";

        assertThat(planner.parse(three, 3)).extracting(WorkItem::type).containsExactly("a", "b", "c");
        assertThat(planner.parse(three, 5)).hasSize(3);
    }

    @Test
    void threeTimesMaxAgentsItemsAreFittedKeepingTheWriterLastAndMergingTheRest() {
        String nine = "{\"work_items\":[" + item("ra") + "," + item("rb") + "," + item("writer") + ","
                + item("rd") + "," + item("re") + "," + item("rf") + "," + item("rg") + "," + item("rh") + ","
                + item("ri") + "]}";

        List<WorkItem> plan = planner.parse(nine, 3);

        assertThat(plan).extracting(WorkItem::type).containsExactly("ra", "rb", "writer");
        assertThat(plan.get(0).instructions()).isEqualTo("x");
        assertThat(plan.get(1).instructions()).startsWith("x\n\nAlso do this work item (rd: rd):\nx")
                .contains("(re: re)", "(rf: rf)", "(rg: rg)", "(rh: rh)", "(ri: ri)");
        assertThat(plan.get(2).instructions()).isEqualTo("x");
    }

    @Test
    void withoutAWriterTheLastItemIsKeptAsTheLead() {
        String four = "{\"work_items\":[" + item("a") + "," + item("b") + "," + item("c") + "," + item("d") + "]}";

        assertThat(planner.parse(four, 2)).extracting(WorkItem::type).containsExactly("a", "d");
    }

    @Test
    void oneAgentIsTheWriterDoingAllTheWork() {
        String three = "{\"work_items\":[" + item("a") + "," + item("writer") + "," + item("c") + "]}";

        List<WorkItem> plan = planner.parse(three, 1);

        assertThat(plan).extracting(WorkItem::type).containsExactly("writer");
        assertThat(plan.get(0).instructions()).contains("(a: a)", "(c: c)");
    }

    @Test
    void mergedInstructionsStopAtTheInstructionsLimit() {
        String longest = "i".repeat(Planner.MAX_INSTRUCTIONS_LENGTH);
        String answer = "{\"work_items\":[{\"type\":\"a\",\"instructions\":\"" + longest + "\"},"
                + "{\"type\":\"b\",\"instructions\":\"" + longest + "\"}," + item("writer") + "]}";

        List<WorkItem> plan = planner.parse(answer, 2);

        assertThat(plan).extracting(WorkItem::type).containsExactly("a", "writer");
        assertThat(plan.get(0).instructions()).hasSize(Planner.MAX_INSTRUCTIONS_LENGTH).endsWith("…");
    }

    @Test
    void unusableItemsAreDroppedWhileAUsableOneRemains() {
        String answer = "{\"work_items\":[{\"type\":\"Bad Type\",\"instructions\":\"x\"},"
                + "{\"type\":\"researcher\"}," + item("writer") + "]}";

        assertThat(planner.parse(answer, 3)).extracting(WorkItem::type).containsExactly("writer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"I would rather not.", "{\"work_items\":", ""})
    void anAnswerThatIsNotJsonIsInvalid(String answer) {
        assertThatThrownBy(() -> planner.parse(answer, 3)).isInstanceOf(InvalidPlan.class);
    }

    @Test
    void aMissingAnswerIsInvalid() {
        assertThatThrownBy(() -> planner.parse(null, 3)).isInstanceOf(InvalidPlan.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"work_items\":[]}", "{\"work_items\":{\"type\":\"writer\"}}",
            "{\"work_items\":\"writer\"}", "[]", "null"})
    void workItemsMustBeANonEmptyArray(String answer) {
        assertThatThrownBy(() -> planner.parse(answer, 3)).isInstanceOf(InvalidPlan.class)
                .hasMessage("work_items must be a non-empty array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"Writer\"", "\"1writer\"", "\"writer!\"", "\"\"", "7", "null",
            "\"abcdefghijklmnopqrstuvwxyzabcdefghijklmno\""})
    void typesAreShortLowercaseWords(String type) {
        String answer = "{\"work_items\":[{\"type\":" + type + ",\"instructions\":\"x\"}]}";

        assertThatThrownBy(() -> planner.parse(answer, 3)).isInstanceOf(InvalidPlan.class)
                .hasMessageContaining("lowercase type");
    }

    @Test
    void aTypeOfFortyCharactersWithDashesAndUnderscoresIsAccepted() {
        String type = "data_analyst-" + "x".repeat(Planner.MAX_TYPE_LENGTH - 13);

        assertThat(planner.parse("{\"work_items\":[{\"type\":\"" + type + "\",\"instructions\":\"x\"}]}", 3))
                .extracting(WorkItem::type).containsExactly(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"instructions\":\"   \"", ",\"instructions\":42"})
    void everyItemNeedsInstructions(String instructions) {
        String answer = "{\"work_items\":[{\"type\":\"writer\"" + instructions + "}]}";

        assertThatThrownBy(() -> planner.parse(answer, 3)).isInstanceOf(InvalidPlan.class)
                .hasMessage("each work item needs instructions of at most 4000 characters");
    }

    @Test
    void instructionsMayBeFourThousandCharactersButNoMore() {
        String longest = "i".repeat(Planner.MAX_INSTRUCTIONS_LENGTH);

        assertThat(planner.parse(plan("writer", null, longest), 1).get(0).instructions()).isEqualTo(longest);
        assertThatThrownBy(() -> planner.parse(plan("writer", null, longest + "i"), 1))
                .isInstanceOf(InvalidPlan.class);
    }

    // --- titles, which users see ---

    @Test
    void anItemWithoutATitleIsTitledByItsType() {
        assertThat(planner.parse(plan("researcher", null, "x"), 1).get(0).title()).isEqualTo("researcher");
        assertThat(planner.parse(plan("researcher", " \\t ", "x"), 1).get(0).title()).isEqualTo("researcher");
    }

    @Test
    void titlesLoseControlAndInvisibleFormattingCharactersAndSurroundingSpace() {
        String title = planner.parse(plan("writer", "  Write\\u0007 the\\u202e re\\ud800port\\u200b  ", "x"), 1)
                .get(0).title();

        assertThat(title).isEqualTo("Write the report");
    }

    @Test
    void titlesKeepTwoHundredCharactersAndMarkWhatWasCut() {
        String exact = "t".repeat(200);

        assertThat(planner.parse(plan("writer", exact, "x"), 1).get(0).title()).isEqualTo(exact);
        assertThat(planner.parse(plan("writer", exact + "tail", "x"), 1).get(0).title()).isEqualTo(exact + "…");
    }

    // --- the model calls that make the plan ---

    @Test
    void aValidFirstAnswerIsThePlanAndIsChargedWithItsCall() {
        ScriptedModel model = new ScriptedModel(plan("writer", "Write", "Write it."));
        TaskRun run = run(3);

        List<WorkItem> plan = planner.plan(run, model).await().atMost(Duration.ofSeconds(30));

        assertThat(plan).containsExactly(new WorkItem("writer", "Write", "Write it."));
        assertThat(run.plan().items()).isEqualTo(plan);
        assertThat(lastState().cost()).isEqualByComparingTo("2");
        assertThat(lastState().tokens()).isEqualTo(2_000);
        ModelCall call = model.calls.get(0);
        assertThat(call.purpose()).isEqualTo(ModelPurpose.PLAN);
        assertThat(call.taskId()).isEqualTo("task_plan_test");
        assertThat(call.agentType()).isNull();
        assertThat(call.request().messages()).hasSize(2);
        assertThat(((SystemMessage) call.request().messages().get(0)).text()).contains("at most 3 independent");
        assertThat(((UserMessage) call.request().messages().get(1)).singleText()).isEqualTo("Compare databases.");
    }

    @Test
    void anInvalidAnswerIsRepairedOnceAndBothCallsAreCharged() {
        ScriptedModel model = new ScriptedModel("{\"work_items\":[]}", plan("writer", "Write", "Write it."));
        TaskRun run = run(3);

        List<WorkItem> plan = planner.plan(run, model).await().atMost(Duration.ofSeconds(30));

        assertThat(plan).extracting(WorkItem::type).containsExactly("writer");
        assertThat(lastState().cost()).isEqualByComparingTo("4");
        assertThat(lastState().tokens()).isEqualTo(4_000);
        List<ChatMessage> repair = model.calls.get(1).request().messages();
        assertThat(repair).hasSize(4);
        assertThat(((AiMessage) repair.get(2)).text()).isEqualTo("{\"work_items\":[]}");
        assertThat(((UserMessage) repair.get(3)).singleText())
                .isEqualTo("That plan is invalid: work_items must be a non-empty array. Answer again with only the JSON object.");
    }

    @Test
    void aPlanStillInvalidAfterTheRepairFailsTheTaskButItsCallsAreStillCharged() {
        ScriptedModel model = new ScriptedModel("I would rather not.", "{\"work_items\":[]}");
        TaskRun run = run(3);

        assertThatThrownBy(() -> planner.plan(run, model).await().atMost(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ModelCallException.class,
                        failure -> assertThat(failure.code()).isEqualTo("invalid_plan"))
                .hasMessage("The model could not produce a valid plan: work_items must be a non-empty array");
        assertThat(model.calls).hasSize(2);
        assertThat(lastState().cost()).isEqualByComparingTo("4");
        assertThat(run.plan().items()).isNull();
    }

    private TaskRun run(int maxAgents) {
        return new TaskRun("task_plan_test", "acct_test", Mode.TEST, "Compare databases.",
                new TaskConfig(maxAgents, 90, false, null, null), entry -> {
                    journal.add(entry);
                    return CompletableFuture.completedFuture(null);
                });
    }

    private RunState lastState() {
        assertThat(journal).isNotEmpty();
        return journal.get(journal.size() - 1).state();
    }

    private static String item(String type) {
        return "{\"type\":\"" + type + "\",\"instructions\":\"x\"}";
    }

    /** A one-item plan; {@code title} is JSON string content (escapes allowed), or null for none. */
    private static String plan(String type, String title, String instructions) {
        return "{\"work_items\":[{\"type\":\"" + type + "\"" + (title == null ? "" : ",\"title\":\"" + title + "\"")
                + ",\"instructions\":\"" + instructions + "\"}]}";
    }

    /** Answers its scripted texts in order, each reporting 1,000 input and 1,000 output tokens. */
    private static final class ScriptedModel implements ModelProvider {
        final List<ModelCall> calls = new ArrayList<>();
        private final Deque<String> answers;

        ScriptedModel(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public String modelName(ModelPurpose purpose) {
            return purpose == ModelPurpose.PLAN ? "planner-model" : "unpriced-agent-model";
        }

        @Override
        public Uni<ChatResponse> chat(ModelCall call) {
            calls.add(call);
            return Uni.createFrom().item(ChatResponse.builder().aiMessage(AiMessage.from(answers.removeFirst()))
                    .tokenUsage(new TokenUsage(1_000, 1_000)).build());
        }
    }
}
