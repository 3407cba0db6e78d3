package com.miteos.e2e;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.MalformedEventException;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * One malformed record among valid ones on {@code task.created}, written by an external Kafka
 * client. Both services that consume the topic get past it: task-service projects every valid
 * task, and agent-orchestrator runs every one of them (live tasks on a stack without a model fail
 * at once with {@code model_not_configured}, so each valid record ends as a failed task). The bad
 * record itself is dead-lettered once by each of the two, each copy naming that very record
 * (topic, partition, offset) and why it was refused; and every consuming service stays ready.
 */
class PoisonRecordIT {

    static final int VALID_RECORDS = 999;
    /** task-service and agent-orchestrator each read {@code task.created} in a consumer group of its own. */
    static final int CONSUMER_GROUPS = 2;

    @Test
    void aMalformedRecordIsDeadLetteredAndTheRestIsProjected() throws Exception {
        assumeThat(Stack.COMPOSE).as("needs Kafka reachable from the host").isFalse();
        assumeThat(liveTaskError()).as("needs a stack without a live model: each record would call it")
                .isEqualTo("model_not_configured");
        String account = Stack.newAccount();
        String token = Stack.newKey(account, "live").getString("token");
        String marker = "poison-" + Ids.newId(IdPrefix.EVENT);
        String poison = "{\"event_id\":\"" + marker + "\",\"oops\":";

        // Live tasks end at once on a stack without a model, so the orchestrator has little to do.
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < VALID_RECORDS; i++) {
            String task = Ids.newId(IdPrefix.TASK);
            records.append(task).append('|').append(EventJson.toJson(EventEnvelope.of(task, account, Mode.LIVE, 0,
                    new TaskCreated("bulk " + i, new TaskConfig(1, 90, false, null, null),
                            Instant.now().truncatedTo(ChronoUnit.SECONDS))))).append('\n');
            if (i == VALID_RECORDS / 2) {
                records.append("task_poison|").append(poison).append('\n');
            }
        }
        Kcat.produce("task.created", records.toString());
        List<Kcat.Record> copies = Kcat.records("task.created").stream().filter(r -> poison.equals(r.value())).toList();
        assertThat(copies).as("the bad record on task.created").hasSize(1);
        Kcat.Record written = copies.get(0);

        // task-service projected every valid record, those after the bad one included.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                total(token, "") == VALID_RECORDS);
        // agent-orchestrator ran every one of them: each ended, and said so on task.status.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
                total(token, "&status=failed") == VALID_RECORDS);
        String oneOfThem = Stack.as(token).get("/v1/tasks?limit=1&status=failed").then().statusCode(200)
                .extract().path("tasks[0].id");
        Stack.as(token).get("/v1/tasks/{id}", oneOfThem).then().statusCode(200)
                .body("error.code", equalTo("model_not_configured"));

        List<Kcat.Record> deadLetters = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> deadLettersOf(written), letters -> letters.size() >= CONSUMER_GROUPS);
        assertThat(deadLetters).as("one dead letter per consumer group of task.created").hasSize(CONSUMER_GROUPS);
        for (Kcat.Record letter : deadLetters) {
            assertThat(letter.key()).isEqualTo("task_poison");
            assertThat(letter.value()).isEqualTo(poison);
            assertThat(letter.headers())
                    .containsEntry("dead-letter-exception-class-name", MalformedEventException.class.getName())
                    .hasEntrySatisfying("dead-letter-reason", reason -> assertThat(reason)
                            .startsWith("not a Miteos event: Unexpected end-of-input"));
        }

        for (String service : List.of(Stack.BASE_URL, Stack.taskServiceUrl(), Stack.orchestratorUrl())) {
            RestAssured.given().baseUri(service).get("/q/health/ready").then().statusCode(200);
        }
    }

    /** How a live task of a fresh account ends: {@code model_not_configured} on a stack without a model. */
    private static String liveTaskError() {
        String token = Stack.newToken("live");
        String id = Stack.as(token).body(Map.of("prompt", "Is there a model?")).post("/v1/tasks").then()
                .statusCode(201).extract().path("id");
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Stack.as(token).get("/v1/tasks/{id}", id).then().statusCode(200).extract().jsonPath(),
                        task -> List.of("complete", "failed", "cancelled").contains(task.getString("status")))
                .getString("error.code");
    }

    /** The dead letters that name this very record as the one they replace. */
    private static List<Kcat.Record> deadLettersOf(Kcat.Record written) throws Exception {
        return Kcat.records("task.dlq").stream()
                .filter(letter -> written.topic().equals(letter.headers().get("dead-letter-topic"))
                        && String.valueOf(written.partition()).equals(letter.headers().get("dead-letter-partition"))
                        && String.valueOf(written.offset()).equals(letter.headers().get("dead-letter-offset")))
                .toList();
    }

    private static int total(String token, String filter) {
        return Stack.as(token).get("/v1/tasks?limit=1" + filter).then().statusCode(200).extract().path("total");
    }
}
