package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.EventEnvelope;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Journals for tests: nothing is kept, and the events of each entry are handed on at once. */
public final class RunJournals {

    private RunJournals() {
    }

    /** A journal that hands each entry's events to {@code events}. */
    public static RunJournal events(Consumer<EventEnvelope<?>> events) {
        return entry -> {
            entry.events().forEach(events);
            return CompletableFuture.completedFuture(null);
        };
    }

    /** A journal that keeps nothing. */
    public static RunJournal discard() {
        return events(event -> { });
    }
}
