package com.miteos.tasks;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.testing.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure window of an endpoint (disable-after, 5 days as in production: the %test profile
 * leaves it alone): an endpoint that has been failing without a success for 5 days is disabled
 * at its next failed attempt, with a reason naming since when; one failing for a little less is
 * not. Instead of waiting days, the test sets when the run of failures began
 * ({@code first_failure_at}), which is all the rule reads. Its owner can enable it again, and
 * nobody else can.
 */
@QuarkusTest
class WebhookDisablingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    private String account;

    @BeforeEach
    void setUp() {
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void anEndpointFailingForFiveDaysIsDisabledSayingSinceWhenAndOneFailingForLessIsNot() throws Exception {
        try (WebhookReceiver fiveDays = new WebhookReceiver(n -> 500);
             WebhookReceiver almost = new WebhookReceiver(n -> 500)) {
            String disabled = register(fiveDays);
            String kept = register(almost);
            Instant since = failingSince(disabled, Duration.ofDays(5));
            failingSince(kept, Duration.ofDays(5).minusHours(1));

            queueDelivery(disabled);
            queueDelivery(kept);
            await().atMost(WAIT).until(() -> fiveDays.received().size() >= 1 && almost.received().size() >= 1);

            await().atMost(WAIT).until(() -> "disabled".equals(endpoint(disabled).get("status")));
            Map<String, Object> shown = endpoint(disabled);
            assertThat((String) shown.get("disabled_reason"))
                    .contains("failed without a success since " + since.truncatedTo(ChronoUnit.SECONDS))
                    .contains("HTTP 500").contains("/enable");
            assertThat(shown.get("disabled_at")).isNotNull();
            Thread.sleep(1_000); // the retries of the other endpoint's delivery go on meanwhile
            assertThat(endpoint(kept)).containsEntry("status", "enabled").doesNotContainKey("disabled_reason");
            assertThat(almost.received().size()).isGreaterThan(1);
            int sentBeforeDisabling = fiveDays.received().size();
            Thread.sleep(1_000);
            assertThat(fiveDays.received()).as("nothing is sent to a disabled endpoint").hasSize(sentBeforeDisabling);
        }
    }

    @Test
    void itsOwnerEnablesADisabledEndpointAgainAndItsPendingDeliveryGoesOut() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n == 1 ? 500 : 200)) {
            String id = register(receiver);
            failingSince(id, Duration.ofDays(6));
            String delivery = queueDelivery(id);
            await().atMost(WAIT).until(() -> "disabled".equals(endpoint(id).get("status")));
            Thread.sleep(1_000);
            assertThat(receiver.received()).hasSize(1);

            String other = Ids.newId(IdPrefix.ACCOUNT);
            WebhookTestSupport.call(other, "POST", "/" + id + "/enable").statusCode(404);
            io.restassured.RestAssured.given().header("X-Miteos-Account-Id", account).header("X-Miteos-Mode", "live")
                    .post("/internal/webhooks/" + id + "/enable").then().statusCode(404);
            WebhookTestSupport.call(account, "POST", "/wh_doesnotexist/enable").statusCode(404);
            assertThat(endpoint(id)).containsEntry("status", "disabled");

            Map<String, Object> enabled = WebhookTestSupport.call(account, "POST", "/" + id + "/enable")
                    .statusCode(200).extract().path("");
            assertThat(enabled).containsEntry("id", id).containsEntry("status", "enabled")
                    .doesNotContainKeys("disabled_at", "disabled_reason", "secret");

            await().atMost(WAIT).until(() -> receiver.received().size() == 2);
            assertThat(receiver.received()).extracting(WebhookReceiver.Received::webhookId).containsOnly(delivery);
            assertThat(receiver.received()).allMatch(WebhookReceiver.Received::verified);
            await().atMost(WAIT).until(() -> "delivered".equals(WebhookTestSupport.call(account, "GET",
                    "/" + id + "/deliveries").extract().path("deliveries[0].state")));
            assertThat(failingSinceOf(id)).as("a success ends the run of failures").isNull();
            // Enabling an enabled endpoint is harmless.
            WebhookTestSupport.call(account, "POST", "/" + id + "/enable").statusCode(200);
        }
    }

    private String register(WebhookReceiver receiver) {
        var created = WebhookTestSupport.register(account, receiver.url(), List.of("task.completed"))
                .statusCode(201).extract();
        receiver.verifyingWith(created.<String>path("secret"));
        return created.path("id");
    }

    private Map<String, Object> endpoint(String id) {
        return WebhookTestSupport.call(account, "GET", "").statusCode(200).extract()
                .path("webhooks.find { it.id == '" + id + "' }");
    }

    /** The endpoint has been failing, without a success, for {@code ago}. */
    private Instant failingSince(String id, Duration ago) {
        return pool.preparedQuery("UPDATE webhook_endpoint SET first_failure_at = now() - make_interval(secs => $2)"
                        + " WHERE id = $1 RETURNING first_failure_at")
                .execute(Tuple.of(id, (double) ago.toSeconds())).await().atMost(WAIT)
                .iterator().next().getOffsetDateTime("first_failure_at").toInstant();
    }

    private Instant failingSinceOf(String id) {
        var time = pool.preparedQuery("SELECT first_failure_at FROM webhook_endpoint WHERE id = $1")
                .execute(Tuple.of(id)).await().atMost(WAIT).iterator().next().getOffsetDateTime("first_failure_at");
        return time == null ? null : time.toInstant();
    }

    /** A task.completed delivery for the endpoint, due now; answers its id (the webhook-id). */
    private String queueDelivery(String endpoint) {
        String task = Ids.newId(IdPrefix.TASK);
        String id = "msg_disabling" + task;
        pool.preparedQuery("INSERT INTO webhook_delivery (id, endpoint_id, task_id, task_event_id, event_type, payload,"
                        + " next_attempt_at) VALUES ($1, $2, $3, 1, 'task.completed', '{\"type\":\"task.completed\"}',"
                        + " now())")
                .execute(Tuple.of(id, endpoint, task)).await().atMost(WAIT);
        return id;
    }
}
