package com.miteos.e2e;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * One malformed record among valid ones on {@code task.created}, written by an external Kafka
 * client: the valid tasks are all projected, the bad record lands on the dead-letter topic with
 * its reason, and the services stay healthy.
 */
class PoisonRecordIT {

    static final int VALID_RECORDS = 999;

    @Test
    void aMalformedRecordIsDeadLetteredAndTheRestIsProjected() throws Exception {
        assumeThat(Stack.COMPOSE).as("needs Kafka reachable from the host").isFalse();
        String admin = Stack.adminToken();
        String account = RestAssured.given().baseUri(Stack.BASE_URL).auth().oauth2(admin)
                .contentType(ContentType.JSON).body("{\"name\":\"poison\"}")
                .post("/admin/v1/accounts").then().statusCode(201).extract().path("id");
        String token = RestAssured.given().baseUri(Stack.BASE_URL).auth().oauth2(admin)
                .contentType(ContentType.JSON).body("{\"mode\":\"live\"}")
                .post("/admin/v1/accounts/{id}/keys", account).then().statusCode(201).extract().path("token");
        String marker = "poison-" + Ids.newId(IdPrefix.EVENT);

        // Live tasks end at once on a stack without a model, so the orchestrator has little to do.
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < VALID_RECORDS; i++) {
            String task = Ids.newId(IdPrefix.TASK);
            records.append(task).append('|').append(EventJson.toJson(EventEnvelope.of(task, account, Mode.LIVE, 0,
                    new TaskCreated("bulk " + i, new TaskConfig(1, 90, false, null, null),
                            Instant.now().truncatedTo(ChronoUnit.SECONDS))))).append('\n');
            if (i == VALID_RECORDS / 2) {
                records.append("task_poison|{\"event_id\":\"").append(marker).append("\",\"oops\":").append('\n');
            }
        }
        produce("task.created", records.toString());

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                Stack.as(token).get("/v1/tasks?limit=1").then().statusCode(200).extract().<Integer>path("total")
                        == VALID_RECORDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> consume("task.dlq").contains(marker));
        String deadLetters = consume("task.dlq");
        assertThat(deadLetters).contains("dead-letter-reason");
        RestAssured.given().baseUri(Stack.BASE_URL).get("/q/health/ready").then().statusCode(200);
        RestAssured.given().baseUri(System.getenv().getOrDefault("MITEOS_TASK_SERVICE_URL", "http://127.0.0.1:8081"))
                .get("/q/health/ready").then().statusCode(200);
    }

    private static void produce(String topic, String lines) throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder("kcat", "-b", bootstrap(), "-P", "-t", topic, "-K", "|")
                .redirectErrorStream(true).start();
        try (OutputStream in = kcat.getOutputStream()) {
            in.write(lines.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).as(new String(kcat.getInputStream().readAllBytes())).isZero();
    }

    /** Every record of the topic, with its headers, one per line. */
    private static String consume(String topic) throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder("kcat", "-b", bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e",
                "-q", "-f", "%h %s\\n").redirectErrorStream(true).start();
        String out = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        kcat.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String bootstrap() {
        return System.getenv().getOrDefault("MITEOS_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }
}
