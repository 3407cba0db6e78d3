package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.journal.EventOutbox;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The supervisor's timers: the time-limit check once a second, the watchdog every heartbeat
 * interval, and the outbox relay every poll interval (besides being woken by each commit).
 */
@ApplicationScoped
public class SupervisorClock {

    private static final Duration TICK = Duration.ofSeconds(1);

    private final TaskTimeLimits limits;
    private final TaskRecovery recovery;
    private final EventOutbox outbox;
    private final Duration heartbeatInterval;
    private final Duration outboxPollInterval;
    private final List<Cancellable> timers = new ArrayList<>();

    public SupervisorClock(TaskTimeLimits limits, TaskRecovery recovery, EventOutbox outbox,
            OrchestratorConfig config) {
        this.limits = limits;
        this.recovery = recovery;
        this.outbox = outbox;
        this.heartbeatInterval = config.recovery().heartbeatInterval();
        this.outboxPollInterval = config.outbox().pollInterval();
    }

    synchronized void start() {
        every(TICK, tick -> limits.enforce(Instant.now()), "time-limit clock");
        every(heartbeatInterval, tick -> recovery.watchdog(), "watchdog");
        every(outboxPollInterval, tick -> outbox.wake(), "outbox timer");
    }

    synchronized void stop() {
        timers.forEach(Cancellable::cancel);
        timers.clear();
    }

    private void every(Duration interval, Consumer<Long> action, String name) {
        timers.add(Multi.createFrom().ticks().every(interval).subscribe().with(
                action, failure -> Log.error(name + " stopped", failure)));
    }
}
