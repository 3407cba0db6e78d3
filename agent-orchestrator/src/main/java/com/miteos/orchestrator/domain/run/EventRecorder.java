package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.model.task.Mode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Numbers a task's events and hands each change to the {@link RunJournal} as one entry: the
 * state after it, the events it implies and the checkpoint it completed. The end is written once.
 */
final class EventRecorder {

    private final String taskId;
    private final String accountId;
    private final Mode mode;
    private final RunJournal journal;
    private long sequence;
    private final List<EventEnvelope<?>> unrecorded = new ArrayList<>();
    private boolean endRecorded;

    EventRecorder(String taskId, String accountId, Mode mode, RunJournal journal) {
        this.taskId = taskId;
        this.accountId = accountId;
        this.mode = mode;
        this.journal = journal;
    }

    void restore(long lastSequence) {
        sequence = lastSequence;
    }

    long sequence() {
        return sequence;
    }

    void emit(EventPayload payload) {
        sequence++;
        unrecorded.add(EventEnvelope.of(taskId, accountId, mode, sequence, payload));
    }

    /** Records the events emitted since the last record, with {@code state} as it is now. */
    CompletionStage<Void> record(boolean suspended, boolean ended, Supplier<RunState> state, Checkpoint checkpoint) {
        if (suspended) {
            unrecorded.clear();
            return CompletableFuture.failedFuture(new CancellationException("task " + taskId + " is suspended"));
        }
        if (endRecorded) {
            // The end is written once; whatever still calls in afterwards changes nothing.
            unrecorded.clear();
            return CompletableFuture.completedFuture(null);
        }
        endRecorded = ended;
        JournalEntry entry = new JournalEntry(taskId, state.get(), unrecorded, checkpoint);
        unrecorded.clear();
        return journal.record(entry);
    }

    /** Event times are whole seconds. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
