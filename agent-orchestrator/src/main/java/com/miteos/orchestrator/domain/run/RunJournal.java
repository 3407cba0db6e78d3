package com.miteos.orchestrator.domain.run;

import java.util.concurrent.CompletionStage;

/**
 * Where a {@link TaskRun} records its changes. Entries of one task arrive in order, one at a
 * time; an implementation keeps that order and writes each entry all or nothing. The answer
 * completes once the entry is durable.
 */
@FunctionalInterface
public interface RunJournal {

    CompletionStage<Void> record(JournalEntry entry);
}
