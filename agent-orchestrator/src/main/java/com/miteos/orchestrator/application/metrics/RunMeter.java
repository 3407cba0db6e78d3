package com.miteos.orchestrator.application.metrics;

import com.miteos.model.task.Mode;
import com.miteos.orchestrator.domain.run.JournalEntry;
import com.miteos.orchestrator.domain.run.RunJournal;
import com.miteos.orchestrator.domain.run.RunState;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * One run's journal, observed: once an entry is durable, the cost it added is counted, its first
 * agent step is timed, and its end is counted and timed. Entries of a run become durable in order
 * and the end is written once, so nothing is counted twice; a run restored after a restart starts
 * from the cost it had, and a run whose first step happened before the restart is not timed again.
 */
final class RunMeter implements RunJournal {

    private final RunJournal journal;
    private final OrchestratorMetrics metrics;
    private final Mode mode;
    private final Instant acceptedAt;
    private BigDecimal counted;
    private boolean stepSeen;
    private boolean ended;

    RunMeter(RunJournal journal, OrchestratorMetrics metrics, Mode mode, Instant acceptedAt, RunState restored,
            boolean stepTaken) {
        this.journal = journal;
        this.metrics = metrics;
        this.mode = mode;
        this.acceptedAt = acceptedAt;
        this.counted = restored == null ? BigDecimal.ZERO : restored.cost();
        this.stepSeen = stepTaken;
        this.ended = restored != null && restored.status().isTerminal();
    }

    @Override
    public CompletionStage<Void> record(JournalEntry entry) {
        return journal.record(entry).thenRun(() -> durable(entry));
    }

    private synchronized void durable(JournalEntry entry) {
        RunState state = entry.state();
        // created_at is required by the contract; without it nothing can be timed, only counted.
        Duration sinceAccepted = acceptedAt == null ? null : Duration.between(acceptedAt, Instant.now());
        if (state.cost().compareTo(counted) > 0) {
            metrics.charged(mode, state.cost().subtract(counted));
            counted = state.cost();
        }
        if (!stepSeen && entry.checkpoint() != null) {
            stepSeen = true;
            if (sinceAccepted != null) {
                metrics.firstStep(mode, sinceAccepted);
            }
        }
        if (!ended && state.status().isTerminal()) {
            ended = true;
            metrics.ended(mode, state.status(), state.error(), sinceAccepted);
        }
    }
}
