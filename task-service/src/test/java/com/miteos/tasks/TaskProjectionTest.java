package com.miteos.tasks;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.InternalHeaders;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * Drives the projection with events as Kafka would deliver them (including duplicates and
 * reordering) and reads the result back through the internal REST API.
 */
@QuarkusTest
class TaskProjectionTest {

    @Inject
    @Any
    InMemoryConnector connector;

    private InMemorySource<String> events;
    private String account;

    @BeforeEach
    void setUp() {
        events = connector.source("task-events");
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void createdTaskIsServedAsPendingWithItsConfig() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.TEST, "Write a haiku about Kafka."));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("prompt", equalTo("Write a haiku about Kafka."))
                .body("config.max_agents", equalTo(3))
                .body("config.deploy_target", nullValue())
                .body("agents", hasSize(0))
                .body("deliverables_count", equalTo(0)));
    }

    @Test
    void staleAndDuplicateStatusEventsNeverMoveATaskBackwards() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.TEST, "prompt"));
        EventEnvelope<TaskStatusChanged> running = status(task, 2, TaskStatus.RUNNING, "0.010", 0, null);
        EventEnvelope<TaskStatusChanged> complete = status(task, 5, TaskStatus.COMPLETE, "0.030", 2, null);
        send(running);
        send(complete);
        send(status(task, 3, TaskStatus.RUNNING, "0.020", 1, null));
        send(running);
        send(complete);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("complete"))
                .body("cost", equalTo(0.03f))
                .body("deliverables_count", equalTo(2)));
    }

    @Test
    void statusThatOvertakesItsCreationIsKeptAndTheTaskAppearsOnceCreated() {
        String task = Ids.newId(IdPrefix.TASK);
        send(status(task, 4, TaskStatus.FAILED, "0.005", 0, new TaskError("sandbox_failure", "configured to fail")));
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                owner(Mode.TEST).get("/internal/tasks/{id}", task).then().statusCode(404));

        send(created(task, Mode.TEST, "late"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("prompt", equalTo("late"))
                .body("error.code", equalTo("sandbox_failure")));
    }

    @Test
    void pausedTaskShowsWhatItWaitsForAndTheDeploymentOutcome() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.TEST, "deploy me"));
        send(EventEnvelope.of(task, account, Mode.TEST, 2, new TaskStatusChanged(TaskStatus.PAUSED, List.of(),
                BigDecimal.ZERO, 1, null, StatusDetail.awaitingApproval(new PendingAction(PendingAction.DEPLOY,
                        "Approve publishing 1 file(s).", List.of("report.md"), "s3://site/x")),
                new Deployment("s3://site/x", Deployment.AWAITING_APPROVAL, null, null), Instant.now())));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("paused"))
                .body("status_detail.reason", equalTo("awaiting_approval"))
                .body("status_detail.action.type", equalTo("deploy"))
                .body("status_detail.action.details", equalTo(List.of("report.md")))
                .body("deployment.status", equalTo("awaiting_approval")));

        send(EventEnvelope.of(task, account, Mode.TEST, 3, new TaskStatusChanged(TaskStatus.COMPLETE, List.of(),
                BigDecimal.ZERO, 1, null, null, new Deployment("s3://site/x", Deployment.SUCCEEDED,
                "http://localhost:9000/site/x/index.html", null), Instant.now())));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("complete"))
                .body("status_detail", nullValue())
                .body("deployment.url", equalTo("http://localhost:9000/site/x/index.html")));
    }

    @Test
    void activeCountCountsOnlyUnfinishedTasksOfTheOwner() {
        String running = Ids.newId(IdPrefix.TASK);
        String done = Ids.newId(IdPrefix.TASK);
        send(created(running, Mode.TEST, "one"));
        send(created(done, Mode.TEST, "two"));
        send(created(Ids.newId(IdPrefix.TASK), Mode.LIVE, "other mode"));
        send(status(done, 3, TaskStatus.COMPLETE, "0.01", 1, null));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/active-count").then().statusCode(200).body("active", equalTo(1)));
    }

    @Test
    void tasksAreScopedToAccountAndMode() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.LIVE, "live task"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                owner(Mode.LIVE).get("/internal/tasks/{id}", task).then().statusCode(200));

        owner(Mode.TEST).get("/internal/tasks/{id}", task).then().statusCode(404);
        given().header(InternalHeaders.ACCOUNT_ID, Ids.newId(IdPrefix.ACCOUNT)).header(InternalHeaders.MODE, "live")
                .get("/internal/tasks/{id}", task).then().statusCode(404);
        given().get("/internal/tasks/{id}", task).then().statusCode(400);
        owner(Mode.TEST).get("/internal/tasks").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void listIsNewestFirstFilteredAndPaginated() {
        List<String> ids = List.of(Ids.newId(IdPrefix.TASK), Ids.newId(IdPrefix.TASK), Ids.newId(IdPrefix.TASK));
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < ids.size(); i++) {
            send(EventEnvelope.of(ids.get(i), account, Mode.TEST, 0, new TaskCreated("prompt " + i,
                    new TaskConfig(3, 50, false, null, null), base.plusSeconds(i))));
        }
        send(status(ids.get(1), 1, TaskStatus.RUNNING, "0", 0, null));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .queryParam("limit", 2).get("/internal/tasks")
                .then().statusCode(200)
                .body("total", equalTo(3))
                .body("tasks.id", equalTo(List.of(ids.get(2), ids.get(1))))
                .body("limit", equalTo(2))
                .body("offset", equalTo(0)));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> owner(Mode.TEST)
                .queryParam("status", "running").get("/internal/tasks")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("tasks[0].id", equalTo(ids.get(1))));
        owner(Mode.TEST).queryParam("offset", 2).get("/internal/tasks")
                .then().statusCode(200).body("tasks.id", equalTo(List.of(ids.get(0))));
    }

    private RequestSpecification owner(Mode mode) {
        return given().header(InternalHeaders.ACCOUNT_ID, account).header(InternalHeaders.MODE, mode.value());
    }

    private void send(EventEnvelope<?> envelope) {
        events.send(EventJson.toJson(envelope));
    }

    private EventEnvelope<TaskCreated> created(String task, Mode mode, String prompt) {
        return EventEnvelope.of(task, account, mode, 0, new TaskCreated(prompt,
                new TaskConfig(3, 50, false, null, null), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }

    private EventEnvelope<TaskStatusChanged> status(String task, long sequence, TaskStatus status, String cost,
            int deliverables, TaskError error) {
        List<AgentState> agents = List.of(new AgentState(Ids.newId(IdPrefix.AGENT), "researcher",
                status.isTerminal() ? AgentStatus.DONE : AgentStatus.ACTING, null, 50));
        return EventEnvelope.of(task, account, Mode.TEST, sequence, new TaskStatusChanged(status, agents,
                new BigDecimal(cost), deliverables, error, Instant.now()));
    }
}
