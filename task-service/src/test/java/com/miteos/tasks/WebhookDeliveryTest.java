package com.miteos.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.testing.WebhookReceiver;
import com.miteos.testing.WebhookReceiver.Received;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook deliveries end to end inside task-service: a task's events, fed the way Kafka delivers
 * them, reach the receivers of its account and mode, signed so that the Standard Webhooks reference
 * library verifies them; failures are retried with the same webhook-id; a claim whose worker died
 * is taken over once its lease ends. Retry waits are compressed (application.properties, %test).
 */
@QuarkusTest
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> ALL = List.of("task.completed", "task.failed", "task.cancelled",
            "approval.requested", "deliverable.created");

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    private InMemorySource<List<String>> source;
    private String account;

    @BeforeEach
    void setUp() {
        source = connector.source("task-events");
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void theTasksWebhookEventsReachItsAccountsEndpointSignedOnceEachAndNobodyElse() throws Exception {
        String other = Ids.newId(IdPrefix.ACCOUNT);
        try (WebhookReceiver mine = WebhookReceiver.accepting(); WebhookReceiver theirs = WebhookReceiver.accepting()) {
            mine.verifyingWith(secret(WebhookTestSupport.register(account, mine.url(), ALL)
                    .statusCode(201).extract().path("secret")));
            WebhookTestSupport.register(other, theirs.url(), ALL).statusCode(201);
            String task = Ids.newId(IdPrefix.TASK);

            WebhookTestSupport.runTask(source, task, account);
            await().atMost(WAIT).until(() -> mine.received().size() >= 3);
            WebhookTestSupport.runTask(source, task, account); // Kafka redelivers the whole task
            Thread.sleep(1_000);

            List<Received> received = mine.received();
            assertThat(received).hasSize(3).allMatch(Received::verified);
            assertThat(received).extracting(r -> type(r.body()))
                    .containsExactlyInAnyOrder("deliverable.created", "approval.requested", "task.completed");
            assertThat(received).extracting(Received::webhookId).doesNotHaveDuplicates().allMatch(id -> id.startsWith("msg_"));
            for (Received r : received) {
                JsonNode body = json.readTree(r.body());
                assertThat(body.path("data").path("task_id").asText()).isEqualTo(task);
                assertThat(body.path("timestamp").asText()).isNotEmpty();
            }
            assertThat(theirs.received()).isEmpty();
        }
    }

    @Test
    void aReceiverFailingThreeTimesGetsTheEventOnceAsASuccessWithOneWebhookIdThroughout() throws Exception {
        try (WebhookReceiver flaky = new WebhookReceiver(n -> n <= 3 ? 500 : 200)) {
            String endpoint = register(flaky, List.of("task.completed"));
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);

            await().atMost(WAIT).until(() -> flaky.received().size() >= 4);
            Thread.sleep(1_000); // nothing more may come after the success

            List<Received> received = flaky.received();
            assertThat(received).hasSize(4).allMatch(Received::verified);
            assertThat(received).extracting(Received::answered).containsExactly(500, 500, 500, 200);
            assertThat(received).extracting(Received::webhookId).containsOnly(received.get(0).webhookId());
            assertThat(received).extracting(Received::body).containsOnly(received.get(0).body());
            Map<String, Object> delivery = WebhookTestSupport.call(account, "GET", "/" + endpoint + "/deliveries")
                    .statusCode(200).extract().path("deliveries[0]");
            assertThat(delivery).containsEntry("id", received.get(0).webhookId()).containsEntry("state", "delivered")
                    .containsEntry("attempts", 4).containsEntry("last_status_code", 200)
                    .containsEntry("event", "task.completed");
        }
    }

    @Test
    void aDeliveryClaimedByAWorkerThatDiedIsSentOnceItsLeaseEnds() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            String endpoint = register(receiver, List.of("task.completed"));
            String task = Ids.newId(IdPrefix.TASK);
            // A worker that claimed the delivery and was killed: the claim's lease still runs for 2 s.
            pool.preparedQuery("INSERT INTO webhook_delivery (id, endpoint_id, task_id, task_event_id, event_type,"
                            + " payload, next_attempt_at, claimed_until, claimed_by) VALUES ($1, $2, $3, 1,"
                            + " 'task.completed', '{\"type\":\"task.completed\"}', now(), now() + interval '2 seconds',"
                            + " 'worker-killed')")
                    .execute(Tuple.of("msg_crashtest" + task, endpoint, task)).await().atMost(WAIT);
            Instant claimedAt = Instant.now();

            await().atMost(WAIT).until(() -> receiver.received().size() == 1);

            assertThat(Duration.between(claimedAt, Instant.now())).isGreaterThan(Duration.ofMillis(1_500));
            assertThat(receiver.received().get(0).webhookId()).isEqualTo("msg_crashtest" + task);
            assertThat(receiver.received().get(0).verified()).isTrue();
            await().atMost(WAIT).until(() -> "delivered".equals(WebhookTestSupport.call(account, "GET",
                    "/" + endpoint + "/deliveries").extract().path("deliveries[0].state")));
        }
    }

    @Test
    void anEndpointAnswering410IsDisabledWithAReasonAndGetsNothingMore() throws Exception {
        try (WebhookReceiver gone = new WebhookReceiver(n -> 410)) {
            String endpoint = register(gone, ALL);
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);

            await().atMost(WAIT).until(() -> "disabled".equals(WebhookTestSupport.call(account, "GET", "")
                    .extract().path("webhooks[0].status")));
            Thread.sleep(1_000);
            int before = gone.received().size();
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);
            Thread.sleep(1_000);

            // The task's first events may have been in flight together; after the 410 nothing is sent.
            assertThat(before).isBetween(1, 3);
            assertThat(gone.received()).hasSize(before);
            String reason = WebhookTestSupport.call(account, "GET", "").extract().path("webhooks[0].disabled_reason");
            assertThat(reason).contains("410");
            assertThat(WebhookTestSupport.call(account, "GET", "/" + endpoint + "/deliveries").extract()
                    .<String>path("deliveries.find { it.last_status_code == 410 }.state")).isEqualTo("failed");
        }
    }

    @Test
    void afterARotationBothSecretsSignAndTheNewOneIsShownOnce() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
            String endpoint = register(receiver, List.of("task.completed"));
            String rotated = WebhookTestSupport.call(account, "POST", "/" + endpoint + "/rotate-secret")
                    .statusCode(200).extract().path("secret");
            receiver.verifyingWith(rotated);
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);

            await().atMost(WAIT).until(() -> receiver.received().size() == 1);

            assertThat(receiver.received().get(0).verified()).isTrue();
            assertThat(receiver.received().get(0).signature().split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
            assertThat(WebhookTestSupport.call(account, "GET", "").extract().<String>path("webhooks[0].secret")).isNull();
        }
    }

    private String register(WebhookReceiver receiver, List<String> events) {
        var created = WebhookTestSupport.register(account, receiver.url(), events).statusCode(201).extract();
        receiver.verifyingWith(secret(created.path("secret")));
        return created.path("id");
    }

    private static String secret(String secret) {
        assertThat(secret).startsWith("whsec_");
        return secret;
    }

    private String type(String body) throws Exception {
        return json.readTree(body).path("type").asText();
    }
}
