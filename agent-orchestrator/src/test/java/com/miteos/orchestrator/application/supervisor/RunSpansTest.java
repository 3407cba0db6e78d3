package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.PublishedEvents;
import com.miteos.orchestrator.port.journal.DurableJournal;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * A task's run is a tree of spans in the trace its {@code task.created} record came in: the run
 * segment under the consumed record's span, the plan and every agent conversation under it, and
 * under those each model call (with the GenAI semantic-convention attributes and its cost, but
 * not the messages) and each tool call (name, outcome, fee). A run resumed after its orchestrator
 * died is a second run segment in the same trace, not a new trace.
 */
@QuarkusTest
class RunSpansTest {

    private static final String PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";
    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("miteos.task_id");
    private static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("miteos.resumed");
    private static final AttributeKey<Double> COST = AttributeKey.doubleKey("miteos.cost_usd");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    private static final Set<String> TOOLS = Set.of("web_search", "fetch_url", "write_file", "read_file",
            "list_files", "finish");

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    RunningTasks running;

    @Inject
    TaskRecovery recovery;

    @Inject
    DurableJournal journal;

    @Inject
    Pool pool;

    private InMemorySink<String> status;

    @BeforeEach
    void setUp() {
        status = connector.sink("task-status");
        spans.reset();
    }

    @Test
    void aRunIsATreeOfPlanAgentModelAndToolSpansInTheTraceItsTaskCameIn() {
        SpanContext consumed = remoteParent();
        String task = submit(consumed, 0);
        TaskStatusChanged last = awaitTerminal(task);
        assertThat(last.status()).isEqualTo(TaskStatus.COMPLETE);

        List<SpanData> trace = awaitRunEnded(consumed.getTraceId(), 1);
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        SpanData run = only(trace, "miteos.task.run");
        assertThat(run.getParentSpanId()).as("the run's parent: the consumed record's span")
                .isEqualTo(consumed.getSpanId());
        assertThat(run.getAttributes().get(TASK_ID)).isEqualTo(task);
        assertThat(run.getAttributes().get(RESUMED)).isFalse();
        SpanData plan = only(trace, "miteos.plan");
        assertThat(plan.getParentSpanId()).isEqualTo(run.getSpanId());
        List<SpanData> agents = named(trace, "invoke_agent");
        assertThat(agents).as("three agents and the writer's synthesis").hasSize(4)
                .allSatisfy(agent -> assertThat(agent.getParentSpanId()).isEqualTo(run.getSpanId()));

        List<SpanData> chats = named(trace, "chat ");
        assertThat(chats).isNotEmpty().allSatisfy(chat -> {
            assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(chat.getAttributes().get(OPERATION)).isEqualTo("chat");
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
                    .isEqualTo("miteos-sandbox-1");
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
                    .isEqualTo("miteos-sandbox-1");
            assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
            assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
            assertThat(chat.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                    .singleElement().isIn("stop", "tool_calls");
            assertThat(chat.getAttributes().get(COST)).isPositive();
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
                    .as("prompts are not recorded without the operator's opt-in").isNull();
            assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages"))).isNull();
            assertThat(byId.get(chat.getParentSpanId()).getName()).matches("miteos\\.plan|invoke_agent .+");
        });
        assertThat(chats).anyMatch(chat -> chat.getParentSpanId().equals(plan.getSpanId()));

        List<SpanData> tools = named(trace, "execute_tool ");
        assertThat(tools).isNotEmpty().allSatisfy(tool -> {
            assertThat(tool.getAttributes().get(OPERATION)).isEqualTo("execute_tool");
            assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isIn(TOOLS);
            assertThat(tool.getAttributes().get(AttributeKey.stringKey("miteos.tool.outcome"))).isEqualTo("ok");
            assertThat(byId.get(tool.getParentSpanId()).getName()).startsWith("invoke_agent ");
        });
        assertThat(tools).extracting(t -> t.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                .contains("web_search", "write_file", "finish");

        double spanCosts = trace.stream().map(s -> s.getAttributes().get(COST)).filter(c -> c != null)
                .mapToDouble(Double::doubleValue).sum();
        assertThat(spanCosts).as("the model and tool spans' costs add up to the task's cost")
                .isCloseTo(last.cost().doubleValue(), within(1e-9));
    }

    @Test
    void aRunResumedAfterItsOrchestratorDiedGoesOnInTheSameTrace() {
        SpanContext consumed = remoteParent();
        String task = submit(consumed, 250);
        awaitCheckpoints(task, 2);
        running.forget(task);
        Uni.createFrom().completionStage(journal.whenIdle()).await().atMost(Duration.ofSeconds(10));
        pool.preparedQuery("UPDATE tasks SET owner = 'a-dead-instance' WHERE task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely();
        recovery.watchdog();

        assertThat(awaitTerminal(task).status()).isEqualTo(TaskStatus.COMPLETE);
        List<SpanData> trace = awaitRunEnded(consumed.getTraceId(), 2);
        List<SpanData> runs = named(trace, "miteos.task.run");
        assertThat(runs).as("the first run and the resumed one, both children of the consumed record's span")
                .hasSize(2).allSatisfy(run -> assertThat(run.getParentSpanId()).isEqualTo(consumed.getSpanId()));
        SpanData resumed = runs.stream().filter(run -> run.getAttributes().get(RESUMED)).findFirst().orElseThrow();
        assertThat(runs).filteredOn(run -> !run.getAttributes().get(RESUMED)).singleElement()
                .satisfies(first -> assertThat(first.getAttributes().get(AttributeKey.booleanKey("miteos.cancelled")))
                        .as("the dropped run's span ends when its run is stopped").isTrue());
        assertThat(named(trace, "invoke_agent")).anyMatch(agent -> agent.getParentSpanId()
                .equals(resumed.getSpanId()));
        assertThat(named(trace, "chat ")).as("model calls of the resumed run").anyMatch(chat ->
                chat.getStartEpochNanos() > resumed.getStartEpochNanos());
    }

    private List<SpanData> awaitRunEnded(String traceId, int runs) {
        await().atMost(Duration.ofSeconds(10)).until(() -> named(ofTrace(traceId), "miteos.task.run").size() == runs);
        return ofTrace(traceId);
    }

    private List<SpanData> ofTrace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static List<SpanData> named(List<SpanData> trace, String prefix) {
        return trace.stream().filter(s -> s.getName().startsWith(prefix)).toList();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> found = named(trace, name);
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }

    private String submit(SpanContext consumed, int stepDelayMs) {
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(Message.of(EventJson.toJson(EventEnvelope.of(task, "acct_spans",
                        Mode.TEST, 0, new TaskCreated(PROMPT, new TaskConfig(3, 70, false, null,
                                new SandboxConfig(stepDelayMs, SandboxOutcome.COMPLETE)), Instant.now()))))
                .addMetadata(TracingMetadata.withCurrent(Context.root().with(Span.wrap(consumed)))));
        return task;
    }

    private void awaitCheckpoints(String task, int atLeast) {
        await().atMost(Duration.ofSeconds(30)).until(() -> pool
                .preparedQuery("SELECT count(*) AS n FROM agent_checkpoints WHERE task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getLong("n") >= atLeast);
    }

    private TaskStatusChanged awaitTerminal(String task) {
        await().atMost(Duration.ofSeconds(60)).until(() -> PublishedEvents.statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = PublishedEvents.statuses(status, task);
        return all.get(all.size() - 1);
    }

    /** The span of a consumed task.created record, as the Kafka connector hands it over. */
    private static SpanContext remoteParent() {
        return SpanContext.createFromRemoteParent(hex(16), hex(8), TraceFlags.getSampled(), TraceState.getDefault());
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
