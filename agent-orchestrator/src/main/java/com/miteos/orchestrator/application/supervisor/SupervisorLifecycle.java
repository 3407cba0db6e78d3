package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.port.journal.DurableJournal;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;

/**
 * Starts and stops the supervisor with the process: at start, recovery of unfinished tasks and
 * the timers; at shutdown, the timers stop first, then the drain, then the command partitions
 * are released while the database is still there (a handover: their next owners count no resume).
 */
@ApplicationScoped
public class SupervisorLifecycle {

    private static final Duration RELEASE_WITHIN = Duration.ofSeconds(2);

    private final TaskRecovery recovery;
    private final SupervisorClock clock;
    private final ShutdownDrain drain;
    private final InstanceRegistry instances;
    private final PartitionOwnership ownership;

    SupervisorLifecycle(TaskRecovery recovery, SupervisorClock clock, ShutdownDrain drain,
            InstanceRegistry instances, PartitionOwnership ownership, DurableJournal journal, MeterRegistry metrics) {
        this.recovery = recovery;
        this.clock = clock;
        this.drain = drain;
        this.instances = instances;
        this.ownership = ownership;
        Gauge.builder("miteos.orchestrator.journal.pending", journal, DurableJournal::pending)
                .description("Journal entries of this instance handed over and not yet written to PostgreSQL")
                .register(metrics);
    }

    /** Completes once this process's own earlier tasks are recovered: commands may be taken from then on. */
    public Uni<Void> recovered() {
        return recovery.loaded();
    }

    void startUp(@Observes StartupEvent startup) {
        recovery.recoverAtStart();
        clock.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        clock.stop();
        int suspended = drain.drain();
        ownership.releaseAll(RELEASE_WITHIN);
        Log.infof("orchestrator %s stopped; %d task(s) suspended, to be resumed", instances.id(), suspended);
    }
}
