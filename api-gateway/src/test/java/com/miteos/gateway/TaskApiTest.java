package com.miteos.gateway;

import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskSummary;
import com.miteos.model.view.TaskView;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.when;

/**
 * The task endpoints of the gateway, with Kafka replaced by an in-memory channel and the read
 * models by a mock: what is published, what is validated, and what is answered.
 */
@QuarkusTest
class TaskApiTest {

    private static final String SEED_PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    @Inject
    @Any
    InMemoryConnector connector;

    @InjectMock
    TaskReadModel readModel;

    private String testToken;
    private String liveToken;

    @BeforeEach
    void setUp() {
        String account = ApiTestSupport.newAccount();
        testToken = ApiTestSupport.newToken(account, "test");
        liveToken = ApiTestSupport.newToken(account, "live");
        connector.sink("task-created").clear();
        connector.sink("task-cancel").clear();
        connector.sink("task-control").clear();
        // The read model has not caught up: the gateway must answer from what it accepted.
        when(readModel.find(any(Caller.class), anyString(), any(Duration.class))).thenReturn(Uni.createFrom().nullItem());
    }

    @Test
    void createPublishesTaskCreatedAndAnswersThePendingTaskWithDefaults() {
        String id = as(liveToken).body("{\"prompt\":\"" + SEED_PROMPT + "\",\"config\":{\"max_agents\":3,"
                        + "\"autonomy_level\":70,\"auto_deploy\":false}}")
                .post("/v1/tasks")
                .then().statusCode(201)
                .header("Location", matchesPattern(".*/v1/tasks/task_[0-9a-z]{26}"))
                .body("id", matchesPattern("task_[0-9a-z]{26}"))
                .body("status", equalTo("pending"))
                .body("prompt", equalTo(SEED_PROMPT))
                .body("config.max_agents", equalTo(3))
                .body("config.autonomy_level", equalTo(70))
                .body("config.auto_deploy", equalTo(false))
                .body("config.deploy_target", nullValue())
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"))
                .extract().path("id");

        List<? extends Message<String>> published = connector.<String>sink("task-created").received();
        assertThat(published).hasSize(1);
        EventEnvelope<EventPayload> event = EventJson.fromJson(published.get(0).getPayload());
        assertThat(event.taskId()).isEqualTo(id);
        assertThat(event.sequence()).isZero();
        assertThat(((TaskCreated) event.payload()).prompt()).isEqualTo(SEED_PROMPT);
        assertThat(((TaskCreated) event.payload()).config().autonomyLevel()).isEqualTo(70);

        as(liveToken).get("/v1/tasks/{id}", id).then().statusCode(200)
                .body("id", equalTo(id)).body("status", equalTo("pending"));
    }

    @Test
    void aListRightAfterThePostShowsTheTaskBeforeTheReadModelDoes() {
        when(readModel.list(any(Caller.class), any(), anyInt(), anyInt()))
                .thenReturn(Uni.createFrom().item(new TaskPage(List.of(), 0, 20, 0)));

        String id = as(testToken).body("{\"prompt\":\"list me\"}").post("/v1/tasks")
                .then().statusCode(201).extract().path("id");

        as(testToken).get("/v1/tasks").then().statusCode(200)
                .body("total", equalTo(1))
                .body("tasks", hasSize(1))
                .body("tasks[0].id", equalTo(id))
                .body("tasks[0].status", equalTo("pending"))
                .body("tasks[0].prompt", equalTo("list me"));
        as(testToken).get("/v1/tasks?status=pending").then().statusCode(200).body("tasks[0].id", equalTo(id));
        as(testToken).get("/v1/tasks?status=running").then().statusCode(200).body("total", equalTo(0));
        as(liveToken).get("/v1/tasks").then().statusCode(200).body("total", equalTo(0));

        // The read model shows it now (the marker has not marked it yet): it is shown once, as the read model has it.
        when(readModel.list(any(Caller.class), any(), anyInt(), anyInt())).thenReturn(Uni.createFrom().item(
                new TaskPage(List.of(new TaskSummary(id, TaskStatus.RUNNING, "list me", Instant.now())), 1, 20, 0)));
        as(testToken).get("/v1/tasks").then().statusCode(200)
                .body("total", equalTo(1))
                .body("tasks", hasSize(1))
                .body("tasks[0].status", equalTo("running"));
    }

    @Test
    void omittedConfigIsFilledWithDefaults() {
        as(testToken).body("{\"prompt\":\"hi\"}").post("/v1/tasks").then().statusCode(201)
                .body("config.max_agents", equalTo(3))
                .body("config.autonomy_level", equalTo(50))
                .body("config.auto_deploy", equalTo(false))
                .body("config.deploy_target", nullValue());
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{}                                                        | prompt",
            "{\"prompt\":\"   \"}                                      | prompt",
            "{\"prompt\":42}                                           | prompt",
            "{\"prompt\":\"x\",\"extra\":1}                            | extra",
            "{\"prompt\":\"x\",\"config\":[]}                          | config",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":0}}          | config.max_agents",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":11}}         | config.max_agents",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":\"3\"}}      | config.max_agents",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":2.5}}        | config.max_agents",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":1e40}}       | config.max_agents",
            "{\"prompt\":\"x\",\"config\":{\"max_cost\":0}}            | config.max_cost",
            "{\"prompt\":\"x\",\"config\":{\"max_cost\":-1.5}}         | config.max_cost",
            "{\"prompt\":\"x\",\"config\":{\"max_cost\":\"5\"}}        | config.max_cost",
            "{\"prompt\":\"x\",\"config\":{\"max_cost\":1000000.01}}   | config.max_cost",
            "{\"prompt\":\"x\",\"config\":{\"max_cost\":true}}         | config.max_cost",
            "{\"prompt\":\"x\",\"config\":{\"autonomy_level\":101}}    | config.autonomy_level",
            "{\"prompt\":\"x\",\"config\":{\"autonomy_level\":-1}}     | config.autonomy_level",
            "{\"prompt\":\"x\",\"config\":{\"auto_deploy\":\"yes\"}}   | config.auto_deploy",
            "{\"prompt\":\"x\",\"config\":{\"auto_deploy\":true}}      | config.deploy_target",
            "{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"ftp://x\"}} | config.deploy_target",
            "{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"s3://Bad_Bucket/x\"}} | config.deploy_target",
            "{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"s3://site/a/../b\"}} | config.deploy_target",
            "{\"prompt\":\"x\",\"config\":{\"colour\":\"red\"}}        | config.colour",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"step_delay_ms\":10001}}} | config.sandbox.step_delay_ms",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"outcome\":\"explode\"}}} | config.sandbox.outcome",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"speed\":1}}}   | config.sandbox.speed",
            "{\"prompt\":\"a\\u0000b\"}                                | prompt",
            "{\"prompt\":\"lone \\ud800 surrogate\"}                  | prompt",
            "{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"https://a.example/\\u0000\"}} | config.deploy_target"
    })
    void invalidBodiesAreRejectedNamingTheField(String body, String field) {
        as(testToken).body(body).post("/v1/tasks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        assertThat(connector.sink("task-created").received()).isEmpty();
    }

    @Test
    void aPromptOverTheLimitIsRejectedAndOneAtTheLimitAccepted() {
        as(testToken).body("{\"prompt\":\"" + "a".repeat(32_001) + "\"}").post("/v1/tasks")
                .then().statusCode(400).body("errors.field", hasItem("prompt"));
        as(testToken).body("{\"prompt\":\"" + "a".repeat(32_000) + "\"}").post("/v1/tasks")
                .then().statusCode(201);
    }

    @Test
    void malformedJsonIsA400ProblemWithoutInternals() {
        String body = as(testToken).body("{\"prompt\": ").post("/v1/tasks")
                .then().statusCode(400).contentType("application/problem+json")
                .extract().asString();
        assertThat(body).doesNotContain("com.fasterxml", "Exception", "at com.");
    }

    @Test
    void jsonBeyondTheParserLimitsIsA400ProblemWithoutInternals() {
        for (String body : List.of("[".repeat(10_000) + "]".repeat(10_000),
                "{\"prompt\":\"x\",\"config\":{\"max_agents\":1" + "0".repeat(1_500) + "}}")) {
            String answer = as(testToken).body(body).post("/v1/tasks")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", endsWith("/malformed-body"))
                    .extract().asString();
            assertThat(answer).doesNotContain("Exception", "jackson");
        }
    }

    @Test
    void sandboxConfigIsForTestKeysOnly() {
        as(liveToken).body("{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"step_delay_ms\":10}}}").post("/v1/tasks")
                .then().statusCode(400).body("errors.field", hasItem("config.sandbox"));
        as(testToken).body("{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"step_delay_ms\":10,\"outcome\":\"fail\"}}}")
                .post("/v1/tasks")
                .then().statusCode(201)
                .body("config.sandbox.step_delay_ms", equalTo(10))
                .body("config.sandbox.outcome", equalTo("fail"));
    }

    @Test
    void idempotencyKeyReplaysTheOriginalAndRefusesADifferentBody() {
        String first = as(testToken).header("Idempotency-Key", "order-42").body("{\"prompt\":\"once\"}")
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        String again = as(testToken).header("Idempotency-Key", "order-42").body("{\"prompt\":\"once\"}")
                .post("/v1/tasks").then().statusCode(201).header("Idempotent-Replayed", "true")
                .extract().path("id");
        as(testToken).header("Idempotency-Key", "order-42").body("{\"prompt\":\"twice\"}")
                .post("/v1/tasks").then().statusCode(422).contentType("application/problem+json");

        assertThat(again).isEqualTo(first);
        assertThat(connector.sink("task-created").received()).hasSize(1);
    }

    @Test
    void listValidatesItsQuery() {
        as(testToken).queryParam("status", "sideways").get("/v1/tasks")
                .then().statusCode(400).body("errors.field", hasItem("status"));
        as(testToken).queryParam("limit", 0).get("/v1/tasks").then().statusCode(400);
        as(testToken).queryParam("limit", 101).get("/v1/tasks").then().statusCode(400);
        as(testToken).queryParam("limit", "ten").get("/v1/tasks").then().statusCode(400)
                .body("errors.field", hasItem("limit"));
        as(testToken).queryParam("offset", -1).get("/v1/tasks").then().statusCode(400)
                .body("errors.field", hasItem("offset"));
    }

    @Test
    void tasksOfOtherModesAndUnknownIdsAre404() {
        String id = as(testToken).body("{\"prompt\":\"mine\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");

        as(liveToken).get("/v1/tasks/{id}", id).then().statusCode(404).contentType("application/problem+json");
        as(liveToken).post("/v1/tasks/{id}/cancel", id).then().statusCode(404);
        as(testToken).get("/v1/tasks/{id}", "task_01hwxyz4k8p3mq9rbn2csved").then().statusCode(404);
        as(testToken).get("/v1/tasks/{id}", "../../etc/passwd").then().statusCode(404);
    }

    @Test
    void cancelPublishesOnceForARunningTaskAndIsSafeToRetryOnceCancelled() {
        String id = as(testToken).body("{\"prompt\":\"long job\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");

        as(testToken).post("/v1/tasks/{id}/cancel", id).then().statusCode(200).body("success", equalTo(true));
        assertThat(connector.sink("task-cancel").received()).hasSize(1);

        readModelAnswers(id, TaskStatus.CANCELLED);
        as(testToken).post("/v1/tasks/{id}/cancel", id).then().statusCode(200).body("success", equalTo(true));
        assertThat(connector.sink("task-cancel").received()).hasSize(1);
    }

    @Test
    void cancellingAFinishedTaskIsAConflict() {
        String id = as(testToken).body("{\"prompt\":\"done already\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");
        readModelAnswers(id, TaskStatus.COMPLETE);

        as(testToken).post("/v1/tasks/{id}/cancel", id).then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));
        assertThat(connector.sink("task-cancel").received()).isEmpty();
    }

    @Test
    void aDeliverableListWaitsUntilItShowsEveryFileTheTaskCounts() {
        String id = as(testToken).body("{\"prompt\":\"two files\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");
        when(readModel.find(any(Caller.class), eq(id), any(Duration.class))).thenReturn(Uni.createFrom().item(
                new TaskView(id, TaskStatus.COMPLETE, "p", null, List.of(), 0.01, 2, null, null, null,
                        Instant.now(), Instant.now())));
        DeliverableView a = new DeliverableView("dlvr_a", "a.md", "text/markdown", 3, "http://x/a", Instant.now());
        DeliverableView b = new DeliverableView("dlvr_b", "b.md", "text/markdown", 3, "http://x/b", Instant.now());
        // deliverable-service lags behind task-service: nothing, then one file, then both.
        when(readModel.deliverables(any(Caller.class), eq(id))).thenReturn(Uni.createFrom().item(List.of()),
                Uni.createFrom().item(List.of(a)), Uni.createFrom().item(List.of(a, b)));

        as(testToken).get("/v1/tasks/{id}/deliverables", id).then().statusCode(200)
                .body("id", equalTo(List.of("dlvr_a", "dlvr_b")));
    }

    @Test
    void aDeliverableListThatNeverCatchesUpIsAnsweredAsItIs() {
        String id = as(testToken).body("{\"prompt\":\"lost file\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");
        when(readModel.find(any(Caller.class), eq(id), any(Duration.class))).thenReturn(Uni.createFrom().item(
                new TaskView(id, TaskStatus.COMPLETE, "p", null, List.of(), 0.01, 1, null, null, null,
                        Instant.now(), Instant.now())));
        when(readModel.deliverables(any(Caller.class), eq(id))).thenReturn(Uni.createFrom().item(List.of()));

        as(testToken).get("/v1/tasks/{id}/deliverables", id).then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        as(testToken).get("/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        as(testToken).delete("/v1/tasks").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void pauseAndResumePublishControlCommands() {
        String id = as(testToken).body("{\"prompt\":\"long job\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");

        as(testToken).post("/v1/tasks/{id}/pause", id).then().statusCode(200).body("success", equalTo(true));
        as(testToken).body("{\"message\":\"Focus on licences.\"}").post("/v1/tasks/{id}/resume", id)
                .then().statusCode(200).body("success", equalTo(true));
        as(testToken).post("/v1/tasks/{id}/resume", id).then().statusCode(200);

        List<EventEnvelope<EventPayload>> control = connector.<String>sink("task-control").received().stream()
                .map(m -> EventJson.fromJson(m.getPayload())).toList();
        assertThat(control).extracting(EventEnvelope::type)
                .containsExactly("TaskPauseRequested", "TaskResumeRequested", "TaskResumeRequested");
        assertThat(control).allMatch(e -> e.taskId().equals(id) && e.sequence() == 0);
        assertThat(((com.miteos.model.event.TaskResumeRequested) control.get(1).payload()).message())
                .isEqualTo("Focus on licences.");
        assertThat(((com.miteos.model.event.TaskResumeRequested) control.get(2).payload()).message()).isNull();
        assertThat(((com.miteos.model.event.TaskResumeRequested) control.get(2).payload()).maxCost()).isNull();
    }

    @Test
    void aBudgetCapIsKeptOnTheTaskAndARaisedCapTravelsWithTheResume() {
        String id = as(testToken).body("{\"prompt\":\"x\",\"config\":{\"max_cost\":0.1}}").post("/v1/tasks")
                .then().statusCode(201).body("config.max_cost", equalTo(0.1f)).extract().path("id");
        List<EventEnvelope<EventPayload>> created = connector.<String>sink("task-created").received().stream()
                .map(m -> EventJson.fromJson(m.getPayload())).filter(e -> e.taskId().equals(id)).toList();
        assertThat(((com.miteos.model.event.TaskCreated) created.get(0).payload()).config().maxCost())
                .isEqualTo(new java.math.BigDecimal("0.1"));

        as(testToken).body("{\"max_cost\":2.50}").post("/v1/tasks/{id}/resume", id)
                .then().statusCode(200).body("success", equalTo(true));

        List<EventEnvelope<EventPayload>> control = connector.<String>sink("task-control").received().stream()
                .map(m -> EventJson.fromJson(m.getPayload())).toList();
        assertThat(((com.miteos.model.event.TaskResumeRequested) control.get(0).payload()).maxCost())
                .isEqualTo(new java.math.BigDecimal("2.5"));
    }

    @Test
    void pausingAPausedTaskIsSafeAndFinishedTasksCannotBePausedOrResumed() {
        String id = as(testToken).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");
        readModelAnswers(id, TaskStatus.PAUSED);
        as(testToken).post("/v1/tasks/{id}/pause", id).then().statusCode(200).body("success", equalTo(true));
        assertThat(connector.sink("task-control").received()).isEmpty();

        readModelAnswers(id, TaskStatus.COMPLETE);
        as(testToken).post("/v1/tasks/{id}/pause", id).then().statusCode(409).contentType("application/problem+json");
        as(testToken).post("/v1/tasks/{id}/resume", id).then().statusCode(409).contentType("application/problem+json");
        assertThat(connector.sink("task-control").received()).isEmpty();
    }

    @Test
    void resumeValidatesItsBody() {
        String id = as(testToken).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201)
                .extract().path("id");
        as(testToken).body("{\"message\":42}").post("/v1/tasks/{id}/resume", id)
                .then().statusCode(400).body("errors.field", hasItem("message"));
        as(testToken).body("{\"note\":\"x\"}").post("/v1/tasks/{id}/resume", id)
                .then().statusCode(400).body("errors.field", hasItem("note"));
        as(testToken).body("{\"message\":\"" + "m".repeat(4_001) + "\"}").post("/v1/tasks/{id}/resume", id)
                .then().statusCode(400);
        as(testToken).body("[1]").post("/v1/tasks/{id}/resume", id).then().statusCode(400);
        for (String cap : List.of("0", "-1", "\"2\"", "1e7", "{}")) {
            as(testToken).body("{\"max_cost\":" + cap + "}").post("/v1/tasks/{id}/resume", id)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("max_cost"))
                    .body("errors.message", hasItem("must be a number greater than 0 and at most 1000000"));
        }
        assertThat(connector.sink("task-control").received()).isEmpty();
    }

    @Test
    void aBodyOverTheSizeLimitIsA413Problem() {
        as(testToken).body("{\"prompt\":\"" + "a".repeat(300_000) + "\"}").post("/v1/tasks")
                .then().statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        assertThat(connector.sink("task-created").received()).isEmpty();
    }

    @Test
    void downloadsNeedAKeyAndAWellFormedId() {
        given().get("/v1/tasks/{id}/deliverables/{file}/download", "task_01m8h8kgrg4sv6yxkp0mfhyr6z",
                        "dlvr_01m8h8kk7z637y3bz1qk5ax3q7")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
        as(testToken).get("/v1/tasks/{id}/deliverables/{file}/download", "task_x", "dlvr_y")
                .then().statusCode(404).contentType("application/problem+json");
    }

    private void readModelAnswers(String id, TaskStatus status) {
        when(readModel.find(any(Caller.class), eq(id), any(Duration.class))).thenReturn(Uni.createFrom().item(
                new TaskView(id, status, "p", null, List.of(), 0.01, 0, null, null, null, Instant.now(), Instant.now())));
    }

    private RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }
}
