package com.miteos.gateway;

import com.miteos.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's metrics at /q/metrics move with what happens: a new task counts as accepted (its
 * replay does not), a request over the key's rate limit and a task over the active-task cap count
 * as rejections by limit, and an unpublished submission shows in the outbox gauges with its age.
 * A limit of one request per second (bursts of one) on the manual clock and a cap of one task
 * make the refusals certain; the relay's timer is an hour, so nothing publishes behind the test's
 * back. Finally the gateway exposes exactly the miteos_* series deploy/prometheus/metrics.txt
 * lists for it, each described.
 */
@QuarkusTest
@TestProfile(GatewayMetricsTest.TightLimits.class)
class GatewayMetricsTest {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.rate-limit.requests-per-second", "1",
                    "miteos.rate-limit.burst", "1",
                    "miteos.limits.max-active-tasks", "1",
                    "miteos.submissions.relay-interval", "PT1H");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ManualRateLimitClock.class);
        }
    }

    private static final String TASK = "{\"prompt\":\"Compare three vector databases.\"}";

    @Inject
    ManualRateLimitClock clock;

    @Inject
    DataSource dataSource;

    @Test
    void acceptedTasksRejectionsAndTheOutboxShowInMetrics() throws Exception {
        String token = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
        Scrape before = Scrape.now();

        post(token, "first").then().statusCode(201);
        post(token, "second").then().statusCode(429).header("Retry-After", "1");
        clock.advance(Duration.ofSeconds(1));
        post(token, "third").then().statusCode(429).body("type", org.hamcrest.Matchers.endsWith("too-many-active-tasks"));
        clock.advance(Duration.ofSeconds(1));
        post(token, "first").then().statusCode(201).header("Idempotent-Replayed", "true");

        Scrape after = Scrape.now();
        assertThat(delta(before, after, "miteos_tasks_accepted_total", "mode", "test")).as("the replay is not new")
                .isEqualTo(1);
        assertThat(delta(before, after, "miteos_rate_limit_rejections_total", "mode", "test", "limit", "request_rate"))
                .isEqualTo(1);
        assertThat(delta(before, after, "miteos_rate_limit_rejections_total", "mode", "test", "limit", "active_tasks"))
                .isEqualTo(1);
        assertThat(delta(before, after, "http_server_requests_seconds_count", "status", "429")).isEqualTo(2);

        String unpublished = "task_01hmetricsgaugetest000000";
        try (Connection db = dataSource.getConnection()) {
            execute(db, """
                    INSERT INTO task_submissions (task_id, account_id, mode, request_hash, prompt, config, created_at)
                    VALUES (?, 'acct_metrics_gauge', 'test', 'x', 'p', '{}'::jsonb, now() - interval '90 seconds')""",
                    unpublished);
            try {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Scrape scrape = Scrape.now();
                    assertThat(scrape.sum("miteos_outbox_backlog_records")).isGreaterThanOrEqualTo(1);
                    assertThat(scrape.sum("miteos_outbox_oldest_age_seconds")).isGreaterThanOrEqualTo(90);
                });
            } finally {
                execute(db, "DELETE FROM task_submissions WHERE task_id = ?", unpublished);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Scrape.now().sum("miteos_outbox_oldest_age_seconds")).isLessThan(90));
        }

        exposesExactlyTheCatalogedMetrics(Scrape.now());
    }

    private static void exposesExactlyTheCatalogedMetrics(Scrape scrape) {
        Set<String> catalog = Scrape.catalog("api-gateway");
        assertThat(catalog).isNotEmpty();
        assertThat(scrape.names()).as("exposed at /q/metrics").containsAll(catalog);
        assertThat(scrape.names()).filteredOn(name -> name.startsWith("miteos_"))
                .as("listed in deploy/prometheus/metrics.txt").allMatch(catalog::contains);
        assertThat(catalog).allSatisfy(name -> assertThat(scrape.description(name))
                .as("description of " + name).isNotBlank());
    }

    private static io.restassured.response.Response post(String token, String idempotencyKey) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).header("Idempotency-Key", idempotencyKey)
                .body(TASK).post("/v1/tasks");
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static void execute(Connection db, String sql, String taskId) throws Exception {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, taskId);
            statement.executeUpdate();
        }
    }
}
