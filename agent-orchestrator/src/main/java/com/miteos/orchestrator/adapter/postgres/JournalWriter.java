package com.miteos.orchestrator.adapter.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.Topics;
import com.miteos.orchestrator.domain.run.Checkpoint;
import com.miteos.orchestrator.domain.run.JournalEntry;
import com.miteos.orchestrator.port.journal.DurableJournal;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import com.miteos.orchestrator.port.journal.TaskJournal;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Writes journal entries to PostgreSQL: each task's state, its agents' checkpoints and the
 * entry's events as outbox rows, in one transaction. Entries queue up while a transaction runs
 * and the next one takes them all (group commit), in the order they came, so a busy
 * orchestrator makes few transactions and a task's changes never overtake each other.
 *
 * <p>A transaction that fails is tried again, with the same entries first, until it commits:
 * an entry is durable, or the run waits for it. After each commit the outbox relay is woken.
 * Only the task's owner writes, and only while the task is unfinished: every write names the
 * epoch the task was claimed under here ({@link TaskLeases}), and a task claimed again since (by
 * another instance after a rebalance, or after this one stalled) refuses it. An instance that
 * lost a task, or a stale run of a task that ended, writes nothing more of it, and hears so
 * ({@link #onTakenOver}). Each write also extends the task's {@code task_ownership} record of who
 * wrote under which epoch. Checkpoints of a task that ended are deleted with its last state.
 */
@ApplicationScoped
public class JournalWriter implements TaskJournal, DurableJournal {

    static final int MAX_ENTRIES_PER_TRANSACTION = 500;
    private static final Duration RETRY_FIRST = Duration.ofMillis(100);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private final Pool pool;
    private final ObjectMapper json;
    private final OutboxRelay relay;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final Queue<CompletableFuture<Void>> idleWaiters = new ConcurrentLinkedQueue<>();
    private final String owner;
    private final TaskLeases leases;
    private volatile Consumer<String> takenOver = taskId -> { };

    JournalWriter(Pool pool, ObjectMapper json, OutboxRelay relay, InstanceRegistry instances, TaskLeases leases) {
        this.pool = pool;
        this.json = json;
        this.relay = relay;
        this.owner = instances.id();
        this.leases = leases;
    }

    @Override
    public void onTakenOver(Consumer<String> listener) {
        this.takenOver = listener;
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

    @Override
    public int pending() {
        return queue.size();
    }

    /** Whether every entry handed over so far is written. */
    private boolean idle() {
        return queue.isEmpty() && !writing.get();
    }

    @Override
    public CompletionStage<Void> whenIdle() {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        idleWaiters.add(idle);
        if (idle()) {
            notifyIdle();
        }
        return idle;
    }

    /** Completes the waiters once nothing is queued or being written (checked again after each write). */
    private void notifyIdle() {
        CompletableFuture<Void> waiter;
        while (idle() && (waiter = idleWaiters.poll()) != null) {
            waiter.complete(null);
        }
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
            } else {
                notifyIdle();
            }
            return;
        }
        write(batch, RETRY_FIRST);
    }

    private void write(List<Pending> batch, Duration retryIn) {
        pool.withTransaction(sql -> writeAll(sql, batch)).subscribe().with(
                fenced -> {
                    // Runs that lost their task stop first, so the refusals below read as a stop, not a failure.
                    fenced.forEach(leases::dropTask);
                    fenced.forEach(takenOver);
                    batch.stream().filter(pending -> pending.entry().state().status().isTerminal())
                            .forEach(pending -> leases.dropTask(pending.entry().taskId()));
                    for (Pending pending : batch) {
                        if (fenced.contains(pending.entry().taskId())) {
                            pending.durable().completeExceptionally(new CancellationException(
                                    "task " + pending.entry().taskId() + " was taken over by another instance"));
                        } else {
                            pending.durable().complete(null);
                        }
                    }
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

    /**
     * Writes a batch; answers the tasks this instance no longer owns (another instance took them
     * over while this one stalled): nothing of theirs is written.
     */
    private Uni<Set<String>> writeAll(SqlClient sql, List<Pending> batch) {
        // Only a task's last state counts; the owner check fences an instance that lost its tasks.
        Map<String, JournalEntry> lastState = new LinkedHashMap<>();
        batch.forEach(pending -> lastState.put(pending.entry().taskId(), pending.entry()));
        List<Tuple> states = lastState.values().stream()
                .map(entry -> Tuple.of(entry.taskId(), entry.state().status().value(), toJson(entry.state()),
                        leases.taskEpoch(entry.taskId())))
                .toList();
        return sql.preparedQuery("""
                        UPDATE tasks SET status = $2, state = $3, updated_at = now()
                        WHERE task_id = $1 AND lease_epoch = $4 AND %s
                        RETURNING task_id, lease_epoch""".formatted(PostgresTaskStore.UNFINISHED))
                .executeBatch(states)
                .flatMap(updated -> {
                    Set<String> owned = new HashSet<>();
                    List<Tuple> ownership = new ArrayList<>();
                    for (RowSet<Row> rows = updated; rows != null; rows = rows.next()) {
                        rows.forEach(row -> {
                            owned.add(row.getString("task_id"));
                            ownership.add(Tuple.of(row.getString("task_id"), row.getLong("lease_epoch"), owner));
                        });
                    }
                    Set<String> fenced = new HashSet<>(lastState.keySet());
                    fenced.removeAll(owned);
                    Uni<Void> recorded = ownership.isEmpty() ? Uni.createFrom().voidItem() : sql.preparedQuery("""
                                    INSERT INTO task_ownership (task_id, epoch, owner) VALUES ($1, $2, $3)
                                    ON CONFLICT (task_id, epoch) DO UPDATE SET last_write_at = now()""")
                            .executeBatch(ownership).replaceWithVoid();
                    return recorded.chain(() -> writeOwned(sql, batch, lastState, owned)).replaceWith(fenced);
                });
    }

    /** Checkpoints (a conversation's last) and events (every one, in order) of the tasks still owned here. */
    private Uni<Void> writeOwned(SqlClient sql, List<Pending> batch, Map<String, JournalEntry> lastState,
            Set<String> owned) {
        Map<String, Tuple> checkpoints = new LinkedHashMap<>();
        List<Tuple> outbox = new ArrayList<>();
        for (Pending pending : batch) {
            JournalEntry entry = pending.entry();
            if (!owned.contains(entry.taskId())) {
                continue;
            }
            Checkpoint c = entry.checkpoint();
            if (c != null) {
                checkpoints.put(entry.taskId() + '\u0000' + c.conversation(), Tuple.tuple(List.of(entry.taskId(),
                        c.conversation(), c.step(), c.messages(), c.userMessagesSeen())).addString(plainText(c.summary())));
            }
            for (EventEnvelope<?> event : entry.events()) {
                outbox.add(Tuple.of(topic(event), event.taskId(), EventJson.toJson(event)));
            }
        }
        Uni<Void> done = Uni.createFrom().voidItem();
        if (!checkpoints.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery("""
                            INSERT INTO agent_checkpoints (task_id, conversation, step, messages, user_messages_seen, summary)
                            VALUES ($1, $2, $3, $4, $5, $6)
                            ON CONFLICT (task_id, conversation) DO UPDATE SET step = excluded.step,
                                messages = excluded.messages, user_messages_seen = excluded.user_messages_seen,
                                summary = excluded.summary, updated_at = now()""")
                    .executeBatch(List.copyOf(checkpoints.values())).replaceWithVoid());
        }
        String[] ended = lastState.values().stream()
                .filter(entry -> owned.contains(entry.taskId()) && entry.state().status().isTerminal())
                .map(JournalEntry::taskId).toArray(String[]::new);
        if (ended.length > 0) {
            // A finished task is never resumed: its conversations are of no more use.
            done = done.chain(() -> sql.preparedQuery("DELETE FROM agent_checkpoints WHERE task_id = ANY($1)")
                    .execute(Tuple.of(ended)).replaceWithVoid());
        }
        if (!outbox.isEmpty()) {
            done = done.chain(() -> sql.preparedQuery(
                            // The row is published in its task's trace (records are keyed by task id).
                            "INSERT INTO outbox (topic, record_key, payload, traceparent) VALUES ($1, $2, $3,"
                                    + " (SELECT traceparent FROM tasks WHERE task_id = $2))")
                    .executeBatch(outbox).replaceWithVoid());
        }
        return done;
    }

    /** PostgreSQL text cannot hold NUL, which a model may well produce; JSON columns are escaped already. */
    static String plainText(String text) {
        return text == null ? null : text.replace("\u0000", "");
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
