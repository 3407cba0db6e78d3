package com.miteos.tasks.inbox;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Old event ids are deleted from processed_events, fresh ones stay (retention: 7 days by default). */
@QuarkusTest
class ProcessedEventsPrunerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONSUMER = "pruner-test";

    @Inject
    Pool pool;

    @Inject
    ProcessedEventsPruner pruner;

    @Test
    void eventIdsOlderThanTheRetentionAreDeletedAndFreshOnesKept() {
        String old = Ids.newId(IdPrefix.EVENT);
        String fresh = Ids.newId(IdPrefix.EVENT);
        String recent = Ids.newId(IdPrefix.EVENT);
        record(CONSUMER, old, "8 days");
        record(CONSUMER, fresh, "0 seconds");
        record(CONSUMER, recent, "6 days");

        long removed = pruner.prune().await().atMost(WAIT);

        assertThat(removed).isGreaterThanOrEqualTo(1);
        assertThat(count("event_id = $1", old)).isZero();
        assertThat(count("event_id = $1", fresh)).isOne();
        assertThat(count("event_id = $1", recent)).isOne();
    }

    @Test
    void moreOldRowsThanOneBatchAreAllDeleted() {
        String consumer = "pruner-test-" + Ids.newId(IdPrefix.EVENT);
        pool.preparedQuery("""
                        INSERT INTO processed_events (consumer, event_id, processed_at)
                        SELECT $1, 'evt_' || n, now() - interval '8 days' FROM generate_series(1, 25001) AS n""")
                .execute(Tuple.of(consumer)).await().atMost(WAIT);
        record(consumer, "fresh", "1 hour");

        long removed = pruner.prune().await().atMost(WAIT);

        assertThat(removed).isGreaterThanOrEqualTo(25_001);
        assertThat(count("consumer = $1", consumer)).isOne();
    }

    private void record(String consumer, String eventId, String age) {
        pool.preparedQuery("INSERT INTO processed_events (consumer, event_id, processed_at)"
                        + " VALUES ($1, $2, now() - $3::text::interval)")
                .execute(Tuple.of(consumer, eventId, age)).await().atMost(WAIT);
    }

    private long count(String filter, String value) {
        return pool.preparedQuery("SELECT count(*) FROM processed_events WHERE " + filter)
                .execute(Tuple.of(value)).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }
}
