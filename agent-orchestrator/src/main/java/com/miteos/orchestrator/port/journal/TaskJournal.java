package com.miteos.orchestrator.port.journal;

import com.miteos.orchestrator.domain.run.RunJournal;

/**
 * The journal port: a {@link RunJournal} that keeps every task's entries durably (the
 * PostgreSQL adapter writes the state, events and checkpoint of an entry in one transaction).
 */
public interface TaskJournal extends RunJournal {
}
