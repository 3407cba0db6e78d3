package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.Topics;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A command in flight when Kafka takes its partition away was applied to nothing that is still
 * here: the next owner must read it again, so it is not acknowledged (the connector's commit
 * could otherwise pass its offset, and the next owner would start after it). The assignments are
 * played by calling the ownership as the rebalance listener would.
 */
@QuarkusTest
class CommandsOfAMovedPartitionTest {

    private static final AtomicLong OFFSETS = new AtomicLong(1_000_000);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    PartitionOwnership ownership;

    @Inject
    Pool pool;

    @AfterEach
    void releaseEverything() {
        ownership.revoked(Set.of(11, 12));
    }

    /**
     * A pause waits for its partition's acquisition, which waits on a lock the test holds, while
     * the partition is revoked; the pause is then recorded (as one for a task not here) but not
     * acknowledged. The next command, on a partition still held, is acknowledged: the channel goes on.
     */
    @Test
    void aCommandWhosePartitionIsTakenAwayWhileItIsAppliedIsNotAcknowledged() throws Exception {
        AtomicInteger acks = new AtomicInteger();
        String moved = Ids.newId(IdPrefix.TASK);
        AcquisitionRace.revokeWhileTheAcquisitionWaits(pool, ownership, 11, Set.of(11), () -> pause(moved, 11, acks));

        await().atMost(Duration.ofSeconds(10)).until(() -> earlyPause(moved));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(acks).as("acknowledgements of the moved partition's pause").hasValue(0));

        ownership.assigned(Set.of(12));
        ownership.ready(12).await().atMost(Duration.ofSeconds(30));
        AtomicInteger heldAcks = new AtomicInteger();
        String next = Ids.newId(IdPrefix.TASK);
        pause(next, 12, heldAcks);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heldAcks).hasValue(1));
        assertThat(earlyPause(next)).isTrue();
    }

    /** Sends a pause of {@code task} on {@code partition} of task.control, counting its acknowledgements. */
    private void pause(String task, int partition, AtomicInteger acks) {
        String json = EventJson.toJson(EventEnvelope.of(task, "acct_partitions", Mode.TEST, 0,
                new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST)));
        ConsumerRecord<String, String> record = new ConsumerRecord<>(Topics.TASK_CONTROL, partition,
                OFFSETS.incrementAndGet(), task, json);
        connector.source("task-commands").send(Message.of(json)
                .withAck(() -> {
                    acks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                })
                .addMetadata(new IncomingKafkaRecordMetadata<>(record, "task-commands")));
    }

    private boolean earlyPause(String task) {
        return pool.preparedQuery("SELECT count(*) AS n FROM early_commands WHERE task_id = $1 AND pause")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getLong("n") == 1;
    }
}
