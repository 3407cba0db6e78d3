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
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * Drives the projection with events as Kafka would deliver them (including duplicates and
 * reordering) and reads the result back through the internal REST API. Where a test asserts that
 * an event changed nothing, it first waits until that event was consumed (its id is in
 * processed_events), so it cannot pass merely because the event had not arrived yet.
 */
@QuarkusTest
class TaskProjectionTest {

    /** Generous: other builds share the machine; a passing wait returns as soon as it holds. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    private InMemorySource<List<String>> events;
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

        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
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
    void aStaleEventArrivingLastMovesNothingBack() {
        String task = Ids.newId(IdPrefix.TASK);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(created(task, Mode.TEST, "prompt"));
        EventEnvelope<TaskStatusChanged> earlier = state(task, 2, TaskStatus.RUNNING,
                agent("researcher", AgentStatus.THINKING), "0.010", 0, null, at.minusSeconds(60));
        EventEnvelope<TaskStatusChanged> latest = state(task, 4, TaskStatus.RUNNING,
                agent("researcher", AgentStatus.ACTING), "0.030", 2, null, at);
        send(earlier);
        send(latest);
        Map<String, Object> projected = awaitView(task, view -> view
                .body("cost", equalTo(0.03f))
                .body("deliverables_count", equalTo(2)));

        // Older than what is stored and different in every field the projection writes: a lower
        // cost and count (kept back by the sequence guard and by GREATEST), another status, agents
        // and detail, and a later updated_at (kept back by the sequence guard alone).
        send(earlier);
        EventEnvelope<TaskStatusChanged> stale = state(task, 3, TaskStatus.PAUSED,
                agent("writer", AgentStatus.WAITING), "0.020", 1, StatusDetail.pausedByUser(), at.plusSeconds(3600));
        send(stale);
        awaitConsumed(stale);

        owner(Mode.TEST).get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("running"))
                .body("agents.type", equalTo(List.of("researcher")))
                .body("agents[0].status", equalTo("acting"))
                .body("cost", equalTo(0.03f))
                .body("deliverables_count", equalTo(2))
                .body("status_detail", nullValue());
        assertThat(Instant.parse((String) projected.get("updated_at"))).isEqualTo(at);
        assertThat(view(task)).isEqualTo(projected);
    }

    @Test
    void aNewerEventNeverLowersCostOrDeliverablesCount() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.TEST, "prompt"));
        send(state(task, 2, TaskStatus.RUNNING, agent("researcher", AgentStatus.ACTING), "0.030", 2, null,
                Instant.now()));
        awaitView(task, view -> view.body("cost", equalTo(0.03f)));

        send(state(task, 3, TaskStatus.PAUSED, agent("writer", AgentStatus.WAITING), "0.020", 1,
                StatusDetail.pausedByUser(), Instant.now()));

        // The newer state is applied as a whole except for the two counters, which only grow.
        awaitView(task, view -> view.body("status", equalTo("paused")));
        owner(Mode.TEST).get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("agents.type", equalTo(List.of("writer")))
                .body("status_detail.reason", equalTo("paused_by_user"))
                .body("cost", equalTo(0.03f))
                .body("deliverables_count", equalTo(2));
    }

    @Test
    void aTerminalTaskNeverChanges() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.TEST, "prompt"));
        send(state(task, 5, TaskStatus.COMPLETE, agent("researcher", AgentStatus.DONE), "0.030", 2, null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        Map<String, Object> complete = awaitView(task, view -> view.body("status", equalTo("complete")));

        // A higher sequence than the completion: only the terminal guard keeps it out.
        EventEnvelope<TaskStatusChanged> later = state(task, 6, TaskStatus.RUNNING,
                agent("writer", AgentStatus.ACTING), "0.050", 3, null, Instant.now().plusSeconds(3600));
        send(later);
        awaitConsumed(later);

        assertThat(view(task)).isEqualTo(complete);
        assertThat(complete).containsEntry("status", "complete").containsEntry("deliverables_count", 2);
    }

    @Test
    void statusThatOvertakesItsCreationIsKeptAndTheTaskAppearsOnceCreated() {
        String task = Ids.newId(IdPrefix.TASK);
        EventEnvelope<TaskStatusChanged> failed = status(task, 4, TaskStatus.FAILED, "0.005", 0,
                new TaskError("sandbox_failure", "configured to fail"));
        send(failed);
        awaitConsumed(failed);
        owner(Mode.TEST).get("/internal/tasks/{id}", task).then().statusCode(404);

        send(created(task, Mode.TEST, "late"));

        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
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

        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
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
        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{id}", task)
                .then().statusCode(200)
                .body("status", equalTo("complete"))
                .body("status_detail", nullValue())
                .body("deployment.url", equalTo("http://localhost:9000/site/x/index.html")));
    }

    @Test
    void activeCountCountsOnlyUnfinishedTasksOfTheOwner() {
        String running = Ids.newId(IdPrefix.TASK);
        String paused = Ids.newId(IdPrefix.TASK);
        String done = Ids.newId(IdPrefix.TASK);
        String otherMode = Ids.newId(IdPrefix.TASK);
        send(created(running, Mode.TEST, "one"));
        send(created(paused, Mode.TEST, "two"));
        send(created(done, Mode.TEST, "three"));
        send(created(otherMode, Mode.LIVE, "other mode"));
        send(state(paused, 2, TaskStatus.PAUSED, agent("researcher", AgentStatus.WAITING), "0.01", 0,
                StatusDetail.pausedByUser(), Instant.now()));
        send(status(done, 3, TaskStatus.COMPLETE, "0.01", 1, null));

        // Every event projected first: while some are still in flight the count passes through
        // other values, and a count that is right only by chance proves nothing.
        awaitView(running, view -> view.body("status", equalTo("pending")));
        awaitView(paused, view -> view.body("status", equalTo("paused")));
        awaitView(done, view -> view.body("status", equalTo("complete")));
        await().atMost(WAIT).untilAsserted(() ->
                owner(Mode.LIVE).get("/internal/tasks/{id}", otherMode).then().statusCode(200));

        owner(Mode.TEST).get("/internal/tasks/active-count").then().statusCode(200).body("active", equalTo(2));
    }

    @Test
    void shownAnswersWhichOfManyTasksAreProjected() {
        String created = Ids.newId(IdPrefix.TASK);
        String statusOnly = Ids.newId(IdPrefix.TASK);
        String unknown = Ids.newId(IdPrefix.TASK);
        send(created(created, Mode.LIVE, "projected"));
        EventEnvelope<TaskStatusChanged> early = status(statusOnly, 2, TaskStatus.RUNNING, "0.001", 0, null);
        send(early);
        awaitConsumed(early);
        await().atMost(WAIT).untilAsserted(() ->
                owner(Mode.LIVE).get("/internal/tasks/{id}", created).then().statusCode(200));

        given().contentType("application/json").body(List.of(created, statusOnly, unknown))
                .post("/internal/tasks/shown")
                .then().statusCode(200).body("$", contains(created));
        given().contentType("application/json").body(List.of()).post("/internal/tasks/shown")
                .then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void tasksAreScopedToAccountAndMode() {
        String task = Ids.newId(IdPrefix.TASK);
        send(created(task, Mode.LIVE, "live task"));
        await().atMost(WAIT).untilAsserted(() ->
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

        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
                .queryParam("limit", 2).get("/internal/tasks")
                .then().statusCode(200)
                .body("total", equalTo(3))
                .body("tasks.id", equalTo(List.of(ids.get(2), ids.get(1))))
                .body("limit", equalTo(2))
                .body("offset", equalTo(0)));
        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
                .queryParam("status", "running").get("/internal/tasks")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("tasks[0].id", equalTo(ids.get(1))));
        owner(Mode.TEST).queryParam("offset", 2).get("/internal/tasks")
                .then().statusCode(200).body("tasks.id", equalTo(List.of(ids.get(0))));
        // A page past the end has no row to carry the total; the total is still every match.
        owner(Mode.TEST).queryParam("offset", 5).get("/internal/tasks")
                .then().statusCode(200).body("tasks", empty()).body("total", equalTo(3)).body("offset", equalTo(5));
        owner(Mode.TEST).queryParam("status", "running").queryParam("offset", 1).get("/internal/tasks")
                .then().statusCode(200).body("tasks", empty()).body("total", equalTo(1));
    }

    private RequestSpecification owner(Mode mode) {
        return given().header(InternalHeaders.ACCOUNT_ID, account).header(InternalHeaders.MODE, mode.value());
    }

    /** Waits until the task is served and {@code expected} holds, then answers the whole view. */
    private Map<String, Object> awaitView(String task, Consumer<ValidatableResponse> expected) {
        await().atMost(WAIT).untilAsserted(() ->
                expected.accept(owner(Mode.TEST).get("/internal/tasks/{id}", task).then().statusCode(200)));
        return view(task);
    }

    private Map<String, Object> view(String task) {
        return owner(Mode.TEST).get("/internal/tasks/{id}", task).then().statusCode(200).extract().jsonPath().getMap("$");
    }

    /**
     * Waits until the projection has committed {@code event}: its id is recorded in the same
     * transaction as the change it makes (or does not make), so after this the view shows its effect.
     */
    private void awaitConsumed(EventEnvelope<?> event) {
        await().atMost(WAIT).until(() -> pool
                .preparedQuery("SELECT 1 FROM processed_events WHERE consumer = 'task-service' AND event_id = $1")
                .execute(Tuple.of(event.eventId())).await().atMost(WAIT).size() == 1);
    }

    private void send(EventEnvelope<?> envelope) {
        events.send(List.of(EventJson.toJson(envelope)));
    }

    private EventEnvelope<TaskCreated> created(String task, Mode mode, String prompt) {
        return EventEnvelope.of(task, account, mode, 0, new TaskCreated(prompt,
                new TaskConfig(3, 50, false, null, null), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }

    private EventEnvelope<TaskStatusChanged> state(String task, long sequence, TaskStatus status, AgentState agent,
            String cost, int deliverables, StatusDetail detail, Instant updatedAt) {
        return EventEnvelope.of(task, account, Mode.TEST, sequence, new TaskStatusChanged(status, List.of(agent),
                new BigDecimal(cost), deliverables, null, detail, null, updatedAt));
    }

    private static AgentState agent(String type, AgentStatus status) {
        return new AgentState(Ids.newId(IdPrefix.AGENT), type, status, null, status.isFinished() ? 100 : 50, null);
    }

    private EventEnvelope<TaskStatusChanged> status(String task, long sequence, TaskStatus status, String cost,
            int deliverables, TaskError error) {
        AgentState agent = agent("researcher", status.isTerminal() ? AgentStatus.DONE : AgentStatus.ACTING);
        return EventEnvelope.of(task, account, Mode.TEST, sequence, new TaskStatusChanged(status, List.of(agent),
                new BigDecimal(cost), deliverables, error, null, null, Instant.now()));
    }
}
