package com.miteos.orchestrator.adapter.postgres;

import com.miteos.model.event.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One relay publishes at a time across orchestrator instances. A relay that finds another one
 * publishing waits for it and then publishes what that one's batch could not see, instead of
 * leaving the rows for the next timer tick.
 */
@QuarkusTest
class OutboxRelayTest {

    @Inject
    OutboxRelay relay;

    @Inject
    Pool pool;

    @Inject
    @Any
    InMemoryConnector connector;

    /** The row's "{}" is no event: later tests that read every published status would trip over it. */
    @AfterEach
    void forgetTheRelayedRow() {
        connector.sink("task-status").clear();
    }

    @Test
    void aRelayThatFindsAnotherPublishingWaitsForItAndThenPublishesTheNewRows() throws Exception {
        // "Another instance" holds the relay lock for 600 ms, as if its batch waited on the broker.
        CompletableFuture<Void> holding = new CompletableFuture<>();
        CompletableFuture<Void> released = pool.withTransaction(sql -> sql
                        .preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(OutboxRelay.RELAY_LOCK))
                        .invoke(() -> holding.complete(null))
                        .chain(() -> Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(600))))
                .replaceWithVoid().subscribeAsCompletionStage();
        holding.get(10, TimeUnit.SECONDS);
        // Meanwhile this instance commits a row: the other batch, read before it, does not hold it.
        long id = pool.preparedQuery("INSERT INTO outbox (topic, record_key, payload) VALUES ($1, $2, $3) RETURNING id")
                .execute(Tuple.of(Topics.TASK_STATUS, "task_relaytest", "{}"))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("id");

        long start = System.nanoTime();
        relay.relayBatch().await().atMost(Duration.ofSeconds(15));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        released.get(10, TimeUnit.SECONDS);
        assertThat(took).as("the relay waited for the other one").isGreaterThan(Duration.ofMillis(300));
        assertThat(pool.preparedQuery("SELECT sent_at IS NOT NULL AS sent FROM outbox WHERE id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next().getBoolean("sent"))
                .as("the row is published as soon as the other relay is done, not at the next tick").isTrue();
    }
}
