package com.miteos.tasks;

import com.miteos.testing.Scrape;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer projects a batch of records in one transaction, and a batch must leave the read
 * model exactly as its records fed one by one would: every snapshot of a task in the batch is
 * diffed with the one before it (no stream event lost, though the task row is written once), an
 * event already processed is skipped, and a record that is no event, or whose data the database
 * refuses, goes to the dead-letter topic without holding back the rest of its batch.
 */
@QuarkusTest
class BatchProjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    private InMemorySource<List<String>> source;
    private String account;

    @BeforeEach
    void setUp() {
        source = connector.source("task-events");
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void aBatchHoldingManySnapshotsOfATaskGivesTheSameStreamAndRowAsOneByOne() {
        String oneByOne = Ids.newId(IdPrefix.TASK);
        String oneBatch = Ids.newId(IdPrefix.TASK);
        String shuffledBatch = Ids.newId(IdPrefix.TASK);
        List<EventEnvelope<?>> single = EventLogScript.events(oneByOne, account);
        single.forEach(event -> source.send(List.of(EventJson.toJson(event))));
        single.forEach(this::awaitConsumed);
        List<EventEnvelope<?>> batch = EventLogScript.events(oneBatch, account);
        source.send(json(batch));
        // Out of order and with repeats, all in one batch: the held events are released within it.
        List<EventEnvelope<?>> shuffled = new ArrayList<>(EventLogScript.events(shuffledBatch, account));
        shuffled.addAll(shuffled.subList(2, 6));
        Collections.shuffle(shuffled, new Random(7));
        source.send(json(shuffled));
        batch.forEach(this::awaitConsumed);
        shuffled.forEach(this::awaitConsumed);

        List<Map<String, Object>> expected = EventLogTest.read(oneByOne, 0, 1000);
        assertThat(expected).hasSize(EventLogScript.STREAM_TYPES.size());
        for (String task : List.of(oneBatch, shuffledBatch)) {
            List<Map<String, Object>> actual = EventLogTest.read(task, 0, 1000);
            assertThat(actual).as("stream of " + task).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).get("id")).isEqualTo(expected.get(i).get("id"));
                assertThat(actual.get(i).get("type")).isEqualTo(expected.get(i).get("type"));
                assertThat(((String) actual.get(i).get("data")).replace(task, oneByOne))
                        .isEqualTo(expected.get(i).get("data"));
            }
            assertThat(row(task)).as("row of " + task).isEqualTo(row(oneByOne));
        }
        assertThat(held(oneBatch) + held(shuffledBatch)).isZero();
    }

    @Test
    void anEventAlreadyProcessedIsSkippedAndTheRestOfItsBatchProjected() {
        String skipped = Ids.newId(IdPrefix.TASK);
        String projected = Ids.newId(IdPrefix.TASK);
        EventEnvelope<TaskCreated> seen = created(skipped);
        EventEnvelope<TaskCreated> fresh = created(projected);
        // As if a previous delivery had projected it: its id is recorded, so the batch must skip it.
        pool.preparedQuery("INSERT INTO processed_events (consumer, event_id) VALUES ('task-service', $1)")
                .execute(Tuple.of(seen.eventId())).await().atMost(WAIT);

        source.send(json(List.of(seen, fresh, fresh)));

        await().atMost(WAIT).until(() -> row(projected) != null);
        assertThat(row(projected)).containsEntry("status", "pending");
        assertThat(row(skipped)).isNull();
        assertThat(EventLogTest.read(skipped, 0, 1000)).isEmpty();
        assertThat(EventLogTest.read(projected, 0, 1000)).hasSize(1);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheRestOfItsBatchIsProjected() {
        String before = Ids.newId(IdPrefix.TASK);
        String refused = Ids.newId(IdPrefix.TASK);
        String after = Ids.newId(IdPrefix.TASK);
        // A cost beyond numeric(20, 6): PostgreSQL refuses it (SQLSTATE 22003), so the batch fails
        // and is projected again one record at a time.
        EventEnvelope<TaskStatusChanged> poison = EventEnvelope.of(refused, account, Mode.TEST, 1,
                new TaskStatusChanged(TaskStatus.RUNNING, List.of(), new BigDecimal("1e30"), 0, null, null, null,
                        Instant.now()));
        Scrape metricsBefore = Scrape.now();

        source.send(List.of(EventJson.toJson(created(before)), "{\"not\": \"an event\"}", EventJson.toJson(poison),
                EventJson.toJson(created(after))));

        await().atMost(WAIT).until(() -> row(before) != null && row(after) != null);
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape metricsAfter = Scrape.now();
            assertThat(metricsAfter.sum("miteos_dlq_records_total", "reason", "malformed")
                    - metricsBefore.sum("miteos_dlq_records_total", "reason", "malformed")).isEqualTo(1);
            assertThat(metricsAfter.sum("miteos_dlq_records_total", "reason", "refused")
                    - metricsBefore.sum("miteos_dlq_records_total", "reason", "refused")).isEqualTo(1);
            assertThat(metricsAfter.sum("miteos_projection_batches_total", "outcome", "one_by_one")
                    - metricsBefore.sum("miteos_projection_batches_total", "outcome", "one_by_one")).isEqualTo(1);
        });
        assertThat(row(refused)).isNull();
        assertThat(EventLogTest.read(refused, 0, 1000)).isEmpty();
        assertThat(recorded(poison)).isZero();
    }

    private EventEnvelope<TaskCreated> created(String task) {
        return EventEnvelope.of(task, account, Mode.TEST, 0, new TaskCreated("prompt",
                new TaskConfig(3, 50, false, null, null), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }

    private static List<String> json(List<? extends EventEnvelope<?>> events) {
        return events.stream().map(EventJson::toJson).toList();
    }

    /** The task's row as the projection wrote it, or null when it has none. */
    private Map<String, Object> row(String task) {
        var rows = pool.preparedQuery("""
                        SELECT status, agents::text AS agents, cost::text AS cost, deliverables_count, error::text AS error,
                               status_detail::text AS status_detail, deployment::text AS deployment, sequence,
                               updated_at::text AS updated_at, prompt
                          FROM tasks WHERE id = $1""")
                .execute(Tuple.of(task)).await().atMost(WAIT);
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        Map<String, Object> columns = new java.util.TreeMap<>();
        for (int i = 0; i < row.size(); i++) {
            columns.put(row.getColumnName(i), String.valueOf(row.getValue(i)));
        }
        return columns;
    }

    private long held(String task) {
        return pool.preparedQuery("SELECT count(*) FROM task_stream_source WHERE task_id = $1")
                .execute(Tuple.of(task)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private long recorded(EventEnvelope<?> event) {
        return pool.preparedQuery("SELECT count(*) FROM processed_events WHERE consumer = 'task-service' AND event_id = $1")
                .execute(Tuple.of(event.eventId())).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private void awaitConsumed(EventEnvelope<?> event) {
        await().atMost(WAIT).until(() -> recorded(event) == 1);
    }
}
