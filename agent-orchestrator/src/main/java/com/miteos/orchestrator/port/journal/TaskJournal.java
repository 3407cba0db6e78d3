package com.miteos.orchestrator.port.journal;

import com.miteos.model.event.EventEnvelope;
import com.miteos.orchestrator.domain.run.JournalEntry;
import com.miteos.orchestrator.domain.run.TaskRun;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where a {@link TaskRun} records its changes. Entries of one task arrive in order, one at a
 * time; an implementation keeps that order and writes each entry all or nothing. The answer
 * completes once the entry is durable.
 */
@FunctionalInterface
public interface TaskJournal {

    CompletionStage<Void> record(JournalEntry entry);

    /** A journal that keeps nothing and hands the events to {@code events} at once (tests, tools). */
    static TaskJournal events(Consumer<EventEnvelope<?>> events) {
        return entry -> {
            entry.events().forEach(events);
            return CompletableFuture.completedFuture(null);
        };
    }
}
