package com.miteos.orchestrator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.Topics;
import com.miteos.orchestrator.agent.Checkpoint;
import com.miteos.orchestrator.agent.JournalEntry;
import com.miteos.orchestrator.agent.TaskJournal;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes journal entries to PostgreSQL: each task's state, its agents' checkpoints and the
 * entry's events as outbox rows, in one transaction. Entries queue up while a transaction runs
 * and the next one takes them all (group commit), in the order they came, so a busy
 * orchestrator makes few transactions and a task's changes never overtake each other.
 *
 * <p>A transaction that fails is tried again, with the same entries first, until it commits:
 * an entry is durable, or the run waits for it. After each commit the outbox relay is woken.
 */
@ApplicationScoped
public class JournalWriter implements TaskJournal {

    static final int MAX_ENTRIES_PER_TRANSACTION = 500;
    private static final Duration RETRY_FIRST = Duration.ofMillis(100);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private final Pool pool;
    private final ObjectMapper json;
    private final OutboxRelay relay;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    public JournalWriter(Pool pool, ObjectMapper json, OutboxRelay relay) {
        this.pool = pool;
        this.json = json;
        this.relay = relay;
    }

    private record Pending(JournalEntry entry, CompletableFuture<Void> durable) {
    }

    @Override
    public CompletionStage<Void> record(JournalEntry entry) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        queue.add(new Pending(entry, durable));
        drain();
        return durable;
    }

    /** Whether every entry handed over so far is written. */
    public boolean idle() {
        return queue.isEmpty() && !writing.get();
    }

    private void drain() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_ENTRIES_PER_TRANSACTION && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            writing.set(false);
            if (!queue.isEmpty()) {
                drain();
            }
            return;
        }
        write(batch, RETRY_FIRST);
    }

    private void write(List<Pending> batch, Duration retryIn) {
        pool.withTransaction(sql -> writeAll(sql, batch)).subscribe().with(
                done -> {
                    batch.forEach(pending -> pending.durable().complete(null));
                    writing.set(false);
                    relay.wake();
                    drain();
                },
                failure -> {
                    Log.warnf("journal: writing %d entries failed, trying again in %d ms: %s", batch.size(),
                            retryIn.toMillis(), failure.toString());
                    Uni.createFrom().voidItem().onItem().delayIt().by(retryIn).subscribe().with(
                            ignored -> write(batch, min(retryIn.multipliedBy(2), RETRY_MAX)));
                });
    }

    private Uni<Void> writeAll(SqlClient sql, List<Pending> batch) {
        // Only a task's last state counts, and only a conversation's last checkpoint; every event does.
        Map<String, JournalEntry> lastState = new LinkedHashMap<>();
        Map<String, Checkpoint> lastCheckpoint = new LinkedHashMap<>();
        List<Tuple> outbox = new ArrayList<>();
        for (Pending pending : batch) {
            JournalEntry entry = pending.entry();
            lastState.put(entry.taskId(), entry);
            if (entry.checkpoint() != null) {
                lastCheckpoint.put(entry.taskId() + '\u0000' + entry.checkpoint().conversation(), entry.checkpoint());
            }
            for (EventEnvelope<?> event : entry.events()) {
                outbox.add(Tuple.of(topic(event), event.taskId(), EventJson.toJson(event)));
            }
        }
        List<Tuple> states = lastState.values().stream()
                .map(entry -> Tuple.of(entry.taskId(), entry.state().status().value(), toJson(entry.state())))
                .toList();
        List<Tuple> checkpoints = lastCheckpoint.entrySet().stream()
                .map(e -> {
                    Checkpoint c = e.getValue();
                    String taskId = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
                    return Tuple.tuple(List.of(taskId, c.conversation(), c.step(), c.messages(), c.userMessagesSeen()))
                            .addString(c.summary());
                })
                .toList();
        Uni<Void> done = sql.preparedQuery(
                        "UPDATE tasks SET status = $2, state = $3, updated_at = now() WHERE task_id = $1")
                .executeBatch(states).replaceWithVoid();
        if (!checkpoints.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery("""
                            INSERT INTO agent_checkpoints (task_id, conversation, step, messages, user_messages_seen, summary)
                            VALUES ($1, $2, $3, $4, $5, $6)
                            ON CONFLICT (task_id, conversation) DO UPDATE SET step = excluded.step,
                                messages = excluded.messages, user_messages_seen = excluded.user_messages_seen,
                                summary = excluded.summary, updated_at = now()""")
                    .executeBatch(checkpoints).replaceWithVoid());
        }
        if (!outbox.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery(
                            "INSERT INTO outbox (topic, record_key, payload) VALUES ($1, $2, $3)")
                    .executeBatch(outbox).replaceWithVoid());
        }
        return done;
    }

    static String topic(EventEnvelope<?> event) {
        return event.payload() instanceof DeliverableCreated ? Topics.TASK_DELIVERABLE : Topics.TASK_STATUS;
    }

    private String toJson(Object state) {
        try {
            return json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run state does not serialise", e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
