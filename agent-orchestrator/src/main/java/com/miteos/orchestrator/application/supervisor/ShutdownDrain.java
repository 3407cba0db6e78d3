package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.DurableJournal;
import com.miteos.orchestrator.port.journal.EventOutbox;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * On shutdown, runs stop where they are: everything they did is journaled already, and the next
 * process (or another instance) resumes them. The journal and the outbox are flushed first,
 * each awaited up to what remains of one bounded drain time, and this instance leaves the
 * registry so that its tasks may be taken over at once.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final Duration LEAVE = Duration.ofSeconds(2);
    private static final Duration OUTBOX_RECHECK_FIRST = Duration.ofMillis(20);
    private static final Duration OUTBOX_RECHECK_MAX = Duration.ofMillis(200);

    private final RunningTasks running;
    private final DurableJournal journal;
    private final EventOutbox outbox;
    private final InstanceRegistry instances;
    private final PartitionOwnership ownership;

    public ShutdownDrain(RunningTasks running, DurableJournal journal, EventOutbox outbox,
            InstanceRegistry instances, PartitionOwnership ownership) {
        this.running = running;
        this.journal = journal;
        this.outbox = outbox;
        this.instances = instances;
        this.ownership = ownership;
    }

    /**
     * Suspends the runs, flushes journal and outbox, leaves the registry; answers how many runs it
     * suspended. From its first step on, a command for a task not running here is left
     * unacknowledged ({@link PartitionOwnership#stopping()}): a suspended run leaves this instance
     * while Kafka still hands it the commands of its partition, and one acknowledged then would
     * never reach the task's next owner.
     */
    int drain() {
        ownership.stopTakingCommands();
        int suspended = 0;
        for (TaskRun run : running.runs()) {
            run.suspend();
            suspended++;
        }
        long deadline = System.nanoTime() + DRAIN.toNanos();
        try {
            Uni.createFrom().completionStage(journal::whenIdle).await().atMost(remaining(deadline));
        } catch (RuntimeException e) {
            Log.warnf("shutting down with journal entries not yet written: %s", e.toString());
        }
        try {
            outboxDrained().await().atMost(remaining(deadline));
        } catch (RuntimeException e) {
            Log.warnf("shutting down with events not yet published (they are in the outbox): %s", e.toString());
        }
        try {
            instances.leave().await().atMost(LEAVE);
        } catch (RuntimeException e) {
            Log.warnf("could not leave the instance registry; tasks are taken over after the owner timeout: %s",
                    e.toString());
        }
        return suspended;
    }

    /**
     * Completes once the events written so far are published; wakes the relay before every look.
     * Events the other instances write meanwhile are theirs to publish: waiting for an outbox that
     * is never empty under their load would hold this instance's partitions (and so its tasks'
     * next owners) for the whole drain time.
     */
    private Uni<Void> outboxDrained() {
        return outbox.newest().chain(newest -> Uni.createFrom().deferred(() -> {
                    outbox.wake();
                    return outbox.publishedUpTo(newest);
                })
                .onItem().transformToUni(published -> published ? Uni.createFrom().voidItem()
                        : Uni.createFrom().<Void>failure(new EventsWaiting()))
                .onFailure(EventsWaiting.class).retry().withBackOff(OUTBOX_RECHECK_FIRST, OUTBOX_RECHECK_MAX)
                .indefinitely());
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** The outbox still holds events: look again shortly. */
    private static final class EventsWaiting extends RuntimeException {
        EventsWaiting() {
            super("events still waiting in the outbox", null, false, false);
        }
    }
}
