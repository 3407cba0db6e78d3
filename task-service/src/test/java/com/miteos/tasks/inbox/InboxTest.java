package com.miteos.tasks.inbox;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.DatabaseException;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The inbox projects an event once per consumer (also within a batch), records its id only with a
 * projection that committed, retries a failed delivery until it commits, and does not retry data
 * the database refuses.
 */
@QuarkusTest
class InboxTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CONSUMER = "inbox-test";

    @Inject
    Inbox inbox;

    @Inject
    Pool pool;

    @Test
    void anEventIsProjectedOnceHoweverOftenItComes() {
        EventEnvelope<?> event = event();
        AtomicInteger projected = new AtomicInteger();

        for (int i = 0; i < 3; i++) {
            inbox.once(CONSUMER, event, tx -> count(projected)).await().atMost(WAIT);
        }

        assertThat(projected).hasValue(1);
        assertThat(recorded(CONSUMER, event)).isOne();
    }

    @Test
    void eachConsumerProjectsTheSameEventOnce() {
        EventEnvelope<?> event = event();
        AtomicInteger projected = new AtomicInteger();

        inbox.once(CONSUMER, event, tx -> count(projected)).await().atMost(WAIT);
        inbox.once(CONSUMER + "-other", event, tx -> count(projected)).await().atMost(WAIT);

        assertThat(projected).hasValue(2);
    }

    @Test
    void aFailedProjectionRecordsNothingAndTheNextDeliveryProjectsAgain() {
        EventEnvelope<?> event = event();
        AtomicInteger projected = new AtomicInteger();

        assertThatThrownBy(() -> inbox.once(CONSUMER, event,
                        tx -> Uni.createFrom().failure(new IllegalStateException("projection failed")))
                .await().atMost(WAIT)).hasMessage("projection failed");
        assertThat(recorded(CONSUMER, event)).isZero();

        inbox.once(CONSUMER, event, tx -> count(projected)).await().atMost(WAIT);
        assertThat(projected).hasValue(1);
        assertThat(recorded(CONSUMER, event)).isOne();
    }

    @Test
    void aBatchProjectsEachNewEventOnceAndSkipsThoseSeenBefore() {
        EventEnvelope<?> seen = event();
        EventEnvelope<?> fresh = event();
        inbox.once(CONSUMER, seen, tx -> Uni.createFrom().voidItem()).await().atMost(WAIT);
        List<EventEnvelope<?>> projected = new ArrayList<>();

        inbox.onceAll(CONSUMER, List.of(seen, fresh, fresh), (tx, events) -> {
            projected.addAll(events);
            return Uni.createFrom().voidItem();
        }).await().atMost(WAIT);

        assertThat(projected).containsExactly(fresh);
        assertThat(recorded(CONSUMER, fresh)).isOne();
    }

    @Test
    void aFailedBatchRecordsNoneOfItsIds() {
        EventEnvelope<?> first = event();
        EventEnvelope<?> second = event();

        assertThatThrownBy(() -> inbox.onceAll(CONSUMER, List.of(first, second),
                        (tx, events) -> Uni.createFrom().<Void>failure(new IllegalStateException("projection failed")))
                .await().atMost(WAIT)).hasMessage("projection failed");

        assertThat(recorded(CONSUMER, first) + recorded(CONSUMER, second)).isZero();
    }

    @Test
    void aDeliveryThatFailsIsRetriedUntilItCommits() {
        EventEnvelope<?> event = event();
        AtomicInteger attempts = new AtomicInteger();
        Uni<Void> delivery = Uni.createFrom().deferred(() -> attempts.incrementAndGet() < 3
                ? Uni.createFrom().failure(new IllegalStateException("database away"))
                : Uni.createFrom().voidItem());

        inbox.untilCommitted(event, delivery).await().atMost(WAIT);

        assertThat(attempts).hasValue(3);
    }

    @Test
    void dataTheDatabaseRefusesFailsAtOnceAndIsNotRecorded() {
        EventEnvelope<?> event = event();
        AtomicInteger attempts = new AtomicInteger();
        Uni<Void> delivery = inbox.once(CONSUMER, event, tx -> {
            attempts.incrementAndGet();
            return tx.query("SELECT 'not a number'::int").execute().replaceWithVoid();
        });

        assertThatThrownBy(() -> inbox.untilCommitted(event, delivery).await().atMost(WAIT))
                .isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.getSqlState()).startsWith("22"));
        assertThat(attempts).hasValue(1);
        assertThat(recorded(CONSUMER, event)).isZero();
    }

    private static Uni<Void> count(AtomicInteger projected) {
        projected.incrementAndGet();
        return Uni.createFrom().voidItem();
    }

    private static EventEnvelope<?> event() {
        return EventEnvelope.of(Ids.newId(IdPrefix.TASK), Ids.newId(IdPrefix.ACCOUNT), Mode.TEST, 0,
                new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST));
    }

    private long recorded(String consumer, EventEnvelope<?> event) {
        return pool.preparedQuery("SELECT count(*) FROM processed_events WHERE consumer = $1 AND event_id = $2")
                .execute(Tuple.of(consumer, event.eventId())).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }
}
