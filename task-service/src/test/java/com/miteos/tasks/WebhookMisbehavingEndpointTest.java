package com.miteos.tasks;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.tasks.config.WebhookConfig;
import com.miteos.tasks.repository.WebhookDeliveries;
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
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Endpoints that behave badly, against the real delivery worker with the compressed settings of
 * the test profile (application.properties, %test: timeout 2 s, 8 deliveries in flight in all and
 * 4 per endpoint): a hanging endpoint holds only its own slots, so another account's delivery
 * goes out at once; an attempt without an answer within the timeout fails and is retried with
 * the same webhook-id; a redirect is not followed and counts as a failed attempt.
 */
@QuarkusTest
class WebhookMisbehavingEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration PROMPTLY = Duration.ofSeconds(2);
    private static final List<String> COMPLETED = List.of("task.completed");

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    @Inject
    WebhookConfig config;

    @Inject
    WebhookDeliveries deliveries;

    private InMemorySource<List<String>> source;
    private String account;

    @BeforeEach
    void setUp() {
        source = connector.source("task-events");
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void aHangingEndpointWithManyPendingDeliveriesDoesNotDelayAnotherAccountsDelivery() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String slowAccount = Ids.newId(IdPrefix.ACCOUNT);
        try (WebhookReceiver hanging = new WebhookReceiver(n -> {
                    awaitQuietly(release);
                    return 200;
                });
                WebhookReceiver prompt = WebhookReceiver.accepting();
                AutoCloseable released = release::countDown) { // closed first: a receiver's close waits for its answers
            String slowEndpoint = WebhookTestSupport.register(slowAccount, hanging.url(), COMPLETED).statusCode(201)
                    .extract().path("id");
            // More due deliveries than slots in all: without the per-endpoint cap they would take every slot.
            int pending = 3 * config.maxInFlight();
            String slowTask = Ids.newId(IdPrefix.TASK);
            pool.preparedQuery("INSERT INTO webhook_delivery (id, endpoint_id, task_id, task_event_id, event_type,"
                            + " payload, next_attempt_at) SELECT 'msg_hang' || $1 || '_' || n, $2, $1, n,"
                            + " 'task.completed', '{\"type\":\"task.completed\"}', now() FROM generate_series(1, $3) n")
                    .execute(Tuple.of(slowTask, slowEndpoint, pending)).await().atMost(WAIT);
            await().atMost(WAIT).until(() -> hanging.arrivals() >= 1
                    && claimed(slowEndpoint) >= config.perEndpointConcurrency());
            // Its share is taken (by this replica's worker): another replica's claim gets none of it.
            assertThat(deliveries.claim("another-replica", config.maxInFlight(), config.perEndpointConcurrency(),
                            Set.of(), Duration.ofSeconds(30)).await().atMost(WAIT))
                    .as("deliveries of the hanging endpoint claimed past its per-endpoint share")
                    .noneMatch(claim -> claim.endpointId().equals(slowEndpoint));

            prompt.verifyingWith(WebhookTestSupport.register(account, prompt.url(), COMPLETED).statusCode(201)
                    .extract().<String>path("secret"));
            Instant queued = Instant.now();
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);
            await().atMost(WAIT).until(() -> prompt.received().size() == 1);
            Duration took = Duration.between(queued, Instant.now());

            assertThat(took).isLessThan(PROMPTLY);
            assertThat(prompt.received()).allMatch(Received::verified);
            assertThat(hanging.received()).as("the hanging endpoint has answered nothing yet").isEmpty();
            WebhookTestSupport.call(slowAccount, "DELETE", "/" + slowEndpoint).statusCode(204);
        }
    }

    @Test
    void anAttemptUnansweredWithinTheTimeoutFailsAndIsRetriedWithTheSameWebhookId() throws Exception {
        long hang = config.timeout().toMillis() + 1_000;
        try (WebhookReceiver slowOnce = new WebhookReceiver(n -> {
                    if (n == 1) {
                        sleepQuietly(hang);
                    }
                    return 200;
                })) {
            String endpoint = register(slowOnce);
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);

            await().atMost(WAIT).until(() -> slowOnce.arrivals() == 1);
            Instant firstArrival = Instant.now();
            Map<String, Object> afterFirst = await().atMost(WAIT).until(() -> delivery(endpoint),
                    d -> ((Integer) d.get("attempts")) >= 1);
            Duration firstAttempt = Duration.between(firstArrival, Instant.now());

            assertThat(afterFirst).containsEntry("attempts", 1).containsEntry("state", "pending");
            assertThat((String) afterFirst.get("last_error")).contains("no answer within");
            assertThat(firstAttempt).isGreaterThanOrEqualTo(config.timeout().minusMillis(200));
            await().atMost(WAIT).until(() -> "delivered".equals(delivery(endpoint).get("state")));
            assertThat(delivery(endpoint)).containsEntry("attempts", 2).containsEntry("last_status_code", 200);
            List<Received> received = slowOnce.received();
            assertThat(received).hasSize(2).allMatch(Received::verified);
            assertThat(received).extracting(Received::webhookId).containsOnly((String) afterFirst.get("id"));
        }
    }

    @Test
    void aRedirectIsNotFollowedAndCountsAsAFailedAttempt() throws Exception {
        try (WebhookReceiver elsewhere = WebhookReceiver.accepting();
                WebhookReceiver redirecting = new WebhookReceiver(n -> n == 1 ? 302 : n == 2 ? 307 : 200)) {
            redirecting.redirectingTo(elsewhere.url());
            String endpoint = register(redirecting);
            WebhookTestSupport.runTask(source, Ids.newId(IdPrefix.TASK), account);

            await().atMost(WAIT).until(() -> "delivered".equals(delivery(endpoint).get("state")));
            Thread.sleep(500); // a followed redirect would have reached the other receiver by now

            assertThat(elsewhere.arrivals()).isZero();
            List<Received> received = redirecting.received();
            assertThat(received).extracting(Received::answered).containsExactly(302, 307, 200);
            assertThat(received).allMatch(Received::verified);
            assertThat(received).extracting(Received::webhookId).containsOnly(received.get(0).webhookId());
            assertThat(delivery(endpoint)).containsEntry("attempts", 3).containsEntry("last_status_code", 200);
        }
    }

    private String register(WebhookReceiver receiver) {
        var created = WebhookTestSupport.register(account, receiver.url(), COMPLETED).statusCode(201).extract();
        receiver.verifyingWith(created.<String>path("secret"));
        return created.path("id");
    }

    private Map<String, Object> delivery(String endpoint) {
        Map<String, Object> delivery = WebhookTestSupport.call(account, "GET", "/" + endpoint + "/deliveries")
                .statusCode(200).extract().path("deliveries[0]");
        return delivery == null ? Map.of("attempts", 0) : delivery;
    }

    /** Deliveries of the endpoint that a worker holds right now. */
    private long claimed(String endpoint) {
        return pool.preparedQuery("SELECT count(*) FROM webhook_delivery WHERE endpoint_id = $1 AND state = 'pending'"
                        + " AND claimed_until > now()")
                .execute(Tuple.of(endpoint)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
