package com.miteos.orchestrator.adapter.postgres;

import com.miteos.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox gauges follow the outbox table: a row nobody publishes shows as backlog, with its
 * age, and once it is gone so is the backlog. The test holds the relay's advisory lock meanwhile,
 * so that the relay leaves its row alone (and publishes nothing at all until the test ends).
 */
@QuarkusTest
class BacklogGaugesTest {

    @Inject
    Pool pool;

    @Test
    void anUnpublishedRowShowsAsBacklogWithItsAgeUntilItIsGone() {
        SqlConnection session = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        long row = 0;
        try {
            session.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(OutboxRelay.RELAY_LOCK))
                    .await().atMost(Duration.ofSeconds(30));
            row = session.query("""
                            INSERT INTO outbox (topic, record_key, payload, created_at)
                            VALUES ('task.status', 'task_backlog_gauge_test', '{}', now() - interval '90 seconds')
                            RETURNING id""").execute()
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("id");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Scrape scrape = Scrape.now();
                assertThat(scrape.sum("miteos_outbox_backlog_records")).isGreaterThanOrEqualTo(1);
                assertThat(scrape.sum("miteos_outbox_oldest_age_seconds")).isGreaterThanOrEqualTo(90);
            });

            session.preparedQuery("DELETE FROM outbox WHERE id = $1").execute(Tuple.of(row))
                    .await().atMost(Duration.ofSeconds(10));
            row = 0;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Scrape.now().sum("miteos_outbox_oldest_age_seconds")).isLessThan(90));
        } finally {
            if (row != 0) {
                session.preparedQuery("DELETE FROM outbox WHERE id = $1").execute(Tuple.of(row))
                        .await().atMost(Duration.ofSeconds(10));
            }
            session.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(OutboxRelay.RELAY_LOCK))
                    .await().atMost(Duration.ofSeconds(10));
            session.close().await().atMost(Duration.ofSeconds(10));
        }
    }
}
