package com.miteos.gateway;

import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.messaging.TaskCommandPublisher;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.service.ProjectionMarker;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.mockito.InjectSpy;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.when;

/**
 * A task the gateway answered for always reaches {@code task.created}: the POST is answered once
 * its submission is stored and publishes it right after, stamping it published once the broker has
 * it; one left unpublished (a refused record, a broker away, a gateway that died after storing it)
 * is published by an Idempotency-Key retry or by the relay. Published submissions are marked
 * projected once the read model shows them.
 * Each test looks only at its own account's submissions and records; none leaves a submission
 * unpublished or unprojected, so the relay neither publishes nor reads the (mocked) read model
 * behind another test's back: a call into a mock while a test stubs it can take that stubbing.
 */
@QuarkusTest
class SubmissionPublishingTest {

    /** Bounds for what normally takes milliseconds, generous for a loaded machine; waits end as soon as done. */
    private static final Duration DB_WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    SubmissionOutbox submissions;

    @Inject
    Pool pool;

    @InjectMock
    TaskReadModel readModel;

    @InjectSpy
    TaskCommandPublisher publisher;

    private String account;

    @BeforeEach
    void setUp() {
        account = ApiTestSupport.newAccount();
        when(readModel.find(any(Caller.class), anyString(), any(Duration.class))).thenReturn(Uni.createFrom().nullItem());
        when(readModel.shown(anyList())).thenReturn(Uni.createFrom().item(List.of()));
    }

    @AfterEach
    void settleWhatIsLeft() {
        pool.preparedQuery("UPDATE task_submissions SET published_at = coalesce(published_at, now()),"
                + " projected_at = coalesce(projected_at, now()) WHERE account_id = $1")
                .execute(Tuple.of(account)).await().atMost(DB_WAIT);
    }

    @Inject
    ProjectionMarker marker;

    @Test
    void aCreatedTaskIsMarkedPublishedOnceTheBrokerHasIt() {
        String id = as(ApiTestSupport.newToken(account, "test")).body("{\"prompt\":\"publish me\"}")
                .post("/v1/tasks").then().statusCode(201).extract().path("id");

        await().atMost(DB_WAIT).until(() -> publishedAt(id) != null);
        assertThat(createdEvents(id)).singleElement()
                .satisfies(event -> assertThat(event.eventId()).isEqualTo(eventIdOf(id)));
        assertThat(publishedAt(id)).isNotNull().isAfterOrEqualTo(createdAt(id));
    }

    @Test
    void aSubmissionTheBrokerRefusesIsStillAcceptedAndARetryPublishesIt() {
        doReturn(Uni.createFrom().failure(new IllegalStateException("broker away")))
                .doCallRealMethod().when(publisher).taskCreated(any(), any());
        RequestSpecification retry = as(ApiTestSupport.newToken(account, "test"))
                .header("Idempotency-Key", "refused-1").body("{\"prompt\":\"keep me\"}");

        // Stored is durable: the broker's refusal does not fail (or hold) the POST.
        String id = retry.post("/v1/tasks").then().statusCode(201)
                .body("status", equalTo("pending")).extract().path("id");
        assertThat(onlySubmissionOf(account)).isEqualTo(id);
        assertThat(publishedAt(id)).isNull();
        assertThat(createdEvents(id)).isEmpty();

        retry.post("/v1/tasks").then().statusCode(201)
                .header("Idempotent-Replayed", "true")
                .header("Location", containsString("/v1/tasks/" + id))
                .body("id", equalTo(id))
                .body("status", equalTo("pending"))
                .body("prompt", equalTo("keep me"));
        await().atMost(DB_WAIT).until(() -> publishedAt(id) != null);
        assertThat(createdEvents(id)).singleElement()
                .satisfies(event -> assertThat(((TaskCreated) event.payload()).prompt()).isEqualTo("keep me"));

        retry.post("/v1/tasks").then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(id));
        assertThat(createdEvents(id)).as("a published submission is not published again").hasSize(1);
    }

    @Test
    void theRelayPublishesWhatAGatewayStoredButNeverPublished() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TaskSubmission recent = submission(now);
        TaskSubmission orphaned = submission(now.minus(Duration.ofHours(1)));
        submissions.insert(recent).await().atMost(DB_WAIT);
        submissions.insert(orphaned).await().atMost(DB_WAIT);

        await().atMost(Duration.ofSeconds(60)).until(() -> publishedAt(orphaned.taskId()) != null);
        // Passes never overlap: once a later pass has published a row stored only now, the pass
        // that published the orphan (and would have published the recent one) is over.
        TaskSubmission storedLater = submission(now.minus(Duration.ofHours(1)));
        submissions.insert(storedLater).await().atMost(DB_WAIT);
        await().atMost(Duration.ofSeconds(60)).until(() -> publishedAt(storedLater.taskId()) != null);

        EventEnvelope<EventPayload> event = createdEvents(orphaned.taskId()).get(0);
        assertThat(createdEvents(orphaned.taskId())).hasSize(1);
        assertThat(event.eventId()).isEqualTo(eventIdOf(orphaned.taskId()));
        assertThat(event.accountId()).isEqualTo(account);
        assertThat(event.mode()).isEqualTo(Mode.LIVE);
        assertThat(event.sequence()).isZero();
        assertThat(event.payload()).isEqualTo(new TaskCreated(orphaned.prompt(), orphaned.config(),
                orphaned.createdAt()));
        // Younger than the grace (10 minutes in tests): its POST may still be publishing it, so the
        // relay leaves it alone, however long the waits above took.
        assertThat(publishedAt(recent.taskId())).isNull();
        assertThat(createdEvents(recent.taskId())).isEmpty();
    }

    @Test
    void publishedSubmissionsAreMarkedProjectedOnceTheReadModelShowsThem() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TaskSubmission shown = submission(now);
        TaskSubmission notYet = submission(now);
        TaskSubmission unpublished = submission(now);
        for (TaskSubmission s : List.of(shown, notYet, unpublished)) {
            submissions.insert(s).await().atMost(DB_WAIT);
        }
        submissions.markPublished(shown.taskId()).await().atMost(DB_WAIT);
        submissions.markPublished(notYet.taskId()).await().atMost(DB_WAIT);
        List<List<String>> asked = new CopyOnWriteArrayList<>();
        when(readModel.shown(anyList())).thenAnswer(call -> {
            List<String> ids = call.getArgument(0);
            asked.add(ids);
            return Uni.createFrom().item(ids.contains(shown.taskId()) ? List.of(shown.taskId()) : List.of());
        });

        marker.pass().await().atMost(DB_WAIT);

        assertThat(projectedAt(shown.taskId())).isNotNull();
        assertThat(projectedAt(notYet.taskId())).isNull();
        assertThat(projectedAt(unpublished.taskId())).isNull();
        assertThat(asked).anySatisfy(ids -> assertThat(ids).contains(shown.taskId(), notYet.taskId())
                .doesNotContain(unpublished.taskId()));
    }

    private TaskSubmission submission(Instant createdAt) {
        return new TaskSubmission(Ids.newId(IdPrefix.TASK), account, Mode.LIVE.value(), null, "0".repeat(64),
                "stored, then the gateway died", new TaskConfig(2, 80, false, null, null), createdAt, null,
                null);
    }

    private List<EventEnvelope<EventPayload>> createdEvents(String taskId) {
        return connector.<String>sink("task-created").received().stream()
                .map(message -> EventJson.fromJson(message.getPayload()))
                .filter(event -> event.taskId().equals(taskId))
                .toList();
    }

    private static String eventIdOf(String taskId) {
        return Ids.derivedId(IdPrefix.EVENT, taskId, "TaskCreated");
    }

    private String onlySubmissionOf(String accountId) {
        var rows = pool.preparedQuery("SELECT task_id FROM task_submissions WHERE account_id = $1")
                .execute(Tuple.of(accountId)).await().atMost(DB_WAIT);
        assertThat(rows.size()).isEqualTo(1);
        return rows.iterator().next().getString("task_id");
    }

    private Instant publishedAt(String taskId) {
        return timestamp(taskId, "published_at");
    }

    private Instant projectedAt(String taskId) {
        return timestamp(taskId, "projected_at");
    }

    private Instant createdAt(String taskId) {
        return timestamp(taskId, "created_at");
    }

    private Instant timestamp(String taskId, String column) {
        OffsetDateTime value = pool.preparedQuery("SELECT " + column + " FROM task_submissions WHERE task_id = $1")
                .execute(Tuple.of(taskId)).await().atMost(DB_WAIT).iterator().next().getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }
}
