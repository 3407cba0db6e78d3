package com.miteos.e2e;

import com.miteos.e2e.crash.Launcher;
import com.miteos.e2e.tracing.OtlpReceiver;
import com.miteos.e2e.tracing.ReceivedSpan;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One trace follows a sandbox task through the four services (issue 10, "Traces"): the POST in the
 * gateway, the orchestrator's run with its model calls (GenAI attributes, cost) and tool calls,
 * the projections in task-service and deliverable-service, and the download. The test is the OTLP
 * collector: it listens where the stack exports to, so the stack must have been started with
 * {@code MITEOS_OTLP_ENDPOINT=http://127.0.0.1:<port> MITEOS_OTLP_PROTOCOL=http/protobuf} and the
 * same two variables passed to this test; only with {@code -Pit,tracing} (see the README, "Tracing").
 * The second test restarts the orchestrator mid-task through {@code ./miteos restart} (SIGTERM, then
 * a new process, which inherits this JVM's environment and so exports here too): the run it resumes
 * is a second {@code miteos.task.run} span in the task's trace.
 */
class TraceIT {

    private static final Duration SPANS_ARRIVE = Duration.ofSeconds(60);
    private static final Path ROOT = Path.of(System.getProperty("crash.root", ".."));

    @Test
    void oneTraceCoversTheGatewayOrchestratorTaskServiceAndDeliverableService() throws Exception {
        try (OtlpReceiver receiver = receiver()) {
            String traceId = hex(16);
            String token = Stack.newToken("test");
            String taskId = submit(token, traceId, Map.of("max_agents", 2));
            awaitComplete(token, taskId);
            JsonPath files = Stack.as(token).get("/v1/tasks/{id}/deliverables", taskId)
                    .then().statusCode(200).extract().jsonPath();
            Stack.as(token).get("/v1/tasks/{id}/deliverables/{file}/download", taskId, files.getString("[0].id"))
                    .then().statusCode(200);

            await().atMost(SPANS_ARRIVE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                List<ReceivedSpan> trace = receiver.trace(traceId);
                assertThat(trace).extracting(ReceivedSpan::service).contains("api-gateway", "agent-orchestrator",
                        "task-service", "deliverable-service");
                assertThat(named(trace, "agent-orchestrator", "miteos.task.run"))
                        .anySatisfy(run -> assertThat(run.attribute("miteos.task_id")).isEqualTo(taskId));
                assertThat(named(trace, "agent-orchestrator", "chat ")).isNotEmpty().allSatisfy(chat -> {
                    assertThat(chat.attribute("gen_ai.operation.name")).isEqualTo("chat");
                    assertThat(chat.attribute("gen_ai.request.model")).isEqualTo("miteos-sandbox-1");
                    assertThat((Long) chat.attribute("gen_ai.usage.input_tokens")).isPositive();
                    assertThat((Long) chat.attribute("gen_ai.usage.output_tokens")).isPositive();
                    assertThat(chat.attribute("gen_ai.response.finish_reasons")).asList().isNotEmpty();
                    assertThat((Double) chat.attribute("miteos.cost_usd")).isPositive();
                    assertThat(chat.attributes()).doesNotContainKey("gen_ai.input.messages");
                });
                assertThat(named(trace, "agent-orchestrator", "execute_tool ")).isNotEmpty()
                        .allSatisfy(tool -> assertThat(tool.attribute("gen_ai.tool.name")).isNotNull())
                        .anySatisfy(tool -> assertThat(tool.attribute("gen_ai.tool.name")).isEqualTo("web_search"));
                assertThat(named(trace, "task-service", "project TaskStatusChanged")).isNotEmpty();
                assertThat(named(trace, "task-service", "project TaskCreated")).hasSize(1);
                assertThat(named(trace, "deliverable-service", "project DeliverableCreated"))
                        .hasSize(files.getList("$").size());
                assertThat(named(trace, "api-gateway", "download deliverable")).singleElement()
                        .satisfies(download -> assertThat(download.linkedTraces()).as("the download request's trace")
                                .hasSize(1).doesNotContain(traceId));
            });
        }
    }

    @Test
    void aRunResumedAfterAnOrchestratorRestartStaysInTheTasksTrace() throws Exception {
        try (OtlpReceiver receiver = receiver()) {
            String traceId = hex(16);
            String token = Stack.newToken("test");
            String taskId = submit(token, traceId, Map.of("max_agents", 2, "sandbox", Map.of("step_delay_ms", 1_500)));
            // A priced step done: the restart lands while the task is under way, not before it started.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                String cost = Stack.as(token).get("/v1/tasks/{id}", taskId).then().statusCode(200).extract()
                        .jsonPath().getString("cost");
                return cost != null && new BigDecimal(cost).signum() > 0;
            });
            assertThat(new Launcher(ROOT).run("restart", "agent-orchestrator")).as("./miteos restart agent-orchestrator")
                    .isNull();
            awaitComplete(token, taskId);

            await().atMost(SPANS_ARRIVE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                List<ReceivedSpan> trace = receiver.trace(traceId);
                List<ReceivedSpan> runs = named(trace, "agent-orchestrator", "miteos.task.run").stream()
                        .filter(run -> taskId.equals(run.attribute("miteos.task_id"))).toList();
                assertThat(runs).as("the run segments before and after the restart")
                        .anySatisfy(run -> assertThat(run.attribute("miteos.resumed")).isEqualTo(false))
                        .anySatisfy(run -> assertThat(run.attribute("miteos.resumed")).isEqualTo(true));
                ReceivedSpan first = runs.stream().filter(run -> Boolean.FALSE.equals(run.attribute("miteos.resumed")))
                        .findFirst().orElseThrow();
                for (ReceivedSpan resumed : runs.stream()
                        .filter(run -> Boolean.TRUE.equals(run.attribute("miteos.resumed"))).toList()) {
                    assertThat(resumed.parentSpanId()).as("the resumed run's parent: the context stored with the task")
                            .isEqualTo(first.parentSpanId())
                            .isIn(trace.stream().map(ReceivedSpan::spanId).toList());
                    assertThat(trace).as("spans of the resumed run's work, in the same trace")
                            .anySatisfy(child -> assertThat(child.parentSpanId()).isEqualTo(resumed.spanId()));
                }
                assertThat(named(trace, "task-service", "project TaskStatusChanged")).isNotEmpty();
                assertThat(named(trace, "deliverable-service", "project DeliverableCreated")).isNotEmpty();
            });
        }
    }

    /** The test as the stack's OTLP collector, where the stack exports to. */
    private static OtlpReceiver receiver() throws Exception {
        String endpoint = System.getenv("MITEOS_OTLP_ENDPOINT");
        assumeTrue(endpoint != null && !endpoint.isBlank()
                        && "http/protobuf".equals(System.getenv("MITEOS_OTLP_PROTOCOL")),
                "the stack must export to this test: MITEOS_OTLP_ENDPOINT and MITEOS_OTLP_PROTOCOL=http/protobuf");
        return new OtlpReceiver(URI.create(endpoint).getPort());
    }

    /** POSTs a seed task in the trace {@code traceId} (the client's own {@code traceparent}). */
    private static String submit(String token, String traceId, Map<String, Object> config) {
        return Stack.as(token)
                .header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT, "config", config))
                .post("/v1/tasks")
                .then().statusCode(201).extract().path("id");
    }

    private static void awaitComplete(String token, String taskId) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300)).until(() ->
                Stack.as(token).get("/v1/tasks/{id}", taskId).then().statusCode(200).extract()
                        .<String>path("status").equals("complete"));
    }

    private static List<ReceivedSpan> named(List<ReceivedSpan> trace, String service, String prefix) {
        return trace.stream().filter(s -> service.equals(s.service()) && s.name().startsWith(prefix)).toList();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
