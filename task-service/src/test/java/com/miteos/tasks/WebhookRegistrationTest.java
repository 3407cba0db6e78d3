package com.miteos.tasks;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The internal webhook API's rules: what a registration must name, the per-account cap, and that
 * one account's (or mode's) endpoints and deliveries do not exist for another.
 */
@QuarkusTest
class WebhookRegistrationTest {

    private static final String URL = "http://127.0.0.1:9/hook";

    @Inject
    Pool pool;

    private String account;

    @BeforeEach
    void setUp() {
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void aRegistrationNamesAUsableUrlAndKnownEvents() {
        WebhookTestSupport.register(account, URL, List.of("task.completed", "task.exploded")).statusCode(400)
                .body("errors.events", containsString("task.exploded"));
        WebhookTestSupport.register(account, URL, List.of()).statusCode(400).body("errors.events", notNullValue());
        WebhookTestSupport.register(account, "ftp://example.com/x", List.of("task.completed")).statusCode(400)
                .body("errors.url", notNullValue());
        WebhookTestSupport.register(account, "https://example.com/" + "a".repeat(2048), List.of("task.completed"))
                .statusCode(400).body("errors.url", containsString("2048"));
        WebhookTestSupport.register(account, "http://10.0.0.1/hook", List.of("task.completed")).statusCode(400)
                .body("errors.url", containsString("not a public internet address"));
        WebhookTestSupport.call(account, "GET", "").statusCode(200).body("webhooks", hasSize(0));

        WebhookTestSupport.register(account, URL, List.of("task.completed", "task.completed", "task.failed"))
                .statusCode(201).body("id", startsWith("wh_")).body("secret", startsWith("whsec_"))
                .body("events", equalTo(List.of("task.completed", "task.failed")));
        WebhookTestSupport.call(account, "GET", "").statusCode(200).body("webhooks", hasSize(1))
                .body("webhooks[0].secret", nullValue()).body("webhooks[0].status", equalTo("enabled"));
    }

    @Test
    void anAccountMayHaveTwentyEndpointsPerMode() {
        for (int i = 0; i < 20; i++) {
            WebhookTestSupport.register(account, URL, List.of("task.completed")).statusCode(201);
        }
        WebhookTestSupport.register(account, URL, List.of("task.completed")).statusCode(409)
                .body("message", containsString("20"));
        WebhookTestSupport.call(account, "GET", "").statusCode(200).body("webhooks", hasSize(20));
    }

    @Test
    void anotherAccountsEndpointAndDeliveriesAreNotFound() {
        String id = WebhookTestSupport.register(account, URL, List.of("task.completed")).statusCode(201)
                .extract().path("id");
        pool.preparedQuery("INSERT INTO webhook_delivery (id, endpoint_id, task_id, task_event_id, event_type, payload,"
                        + " state, attempts) VALUES ($1, $2, 'task_x', 1, 'task.completed', '{}', 'failed', 7)")
                .execute(Tuple.of("msg_isolation" + id, id)).await().atMost(Duration.ofSeconds(10));
        String other = Ids.newId(IdPrefix.ACCOUNT);

        WebhookTestSupport.call(other, "GET", "").statusCode(200).body("webhooks", hasSize(0));
        WebhookTestSupport.call(other, "POST", "/" + id + "/rotate-secret").statusCode(404);
        WebhookTestSupport.call(other, "GET", "/" + id + "/deliveries").statusCode(404);
        WebhookTestSupport.call(other, "POST", "/" + id + "/deliveries/msg_isolation" + id + "/redeliver").statusCode(404);
        WebhookTestSupport.call(other, "DELETE", "/" + id).statusCode(404);
        io.restassured.RestAssured.given().header("X-Miteos-Account-Id", account).header("X-Miteos-Mode", "live")
                .delete("/internal/webhooks/" + id).then().statusCode(404);

        WebhookTestSupport.call(account, "GET", "/" + id + "/deliveries").statusCode(200)
                .body("deliveries[0].state", equalTo("failed")).body("total", equalTo(1));
        WebhookTestSupport.call(account, "POST", "/" + id + "/deliveries/msg_isolation" + id + "/redeliver")
                .statusCode(202).body("state", equalTo("pending")).body("attempts", equalTo(0));
        WebhookTestSupport.call(account, "DELETE", "/" + id).statusCode(204);
        WebhookTestSupport.call(account, "GET", "/" + id + "/deliveries").statusCode(404);
    }
}
