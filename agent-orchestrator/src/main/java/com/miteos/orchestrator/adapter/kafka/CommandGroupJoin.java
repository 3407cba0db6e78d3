package com.miteos.orchestrator.adapter.kafka;

import com.miteos.orchestrator.application.supervisor.SupervisorLifecycle;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.warmup.WarmUp;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Joins the command consumer group once this process is ready to take partitions: its own
 * earlier tasks are recovered, and every {@link WarmUp} ran (connections opened, the claim and
 * restore code loaded and compiled), each for at most the join warm-up timeout. Until then the
 * command channel is paused with a late subscription: its Kafka consumer has not subscribed, so
 * it is no member of the group and gets no partition, and the partitions stay with the members
 * that hold them. A partition that moved to a cold process stood its tasks still for seconds.
 */
@ApplicationScoped
public class CommandGroupJoin {

    static final String CHANNEL = "task-commands";

    private final ChannelRegistry channels;
    private final SupervisorLifecycle supervisor;
    private final Instance<WarmUp> warmUps;
    private final Duration warmUpTimeout;
    private final boolean warm;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean joined;

    CommandGroupJoin(ChannelRegistry channels, SupervisorLifecycle supervisor, @Any Instance<WarmUp> warmUps,
            OrchestratorConfig config) {
        this.channels = channels;
        this.supervisor = supervisor;
        this.warmUps = warmUps;
        this.warmUpTimeout = config.recovery().joinWarmUpTimeout();
        this.warm = config.recovery().warmJoin();
    }

    /** After the supervisor started recovering (a later observer than its own). */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent startup) {
        PausableChannel channel = channels.getPausable(CHANNEL);
        if (channel == null || !channel.isPaused()) {
            Log.warnf("the command channel is not paused at start (mp.messaging.incoming.%s.pausable): this"
                    + " process joined the consumer group before it was warm", CHANNEL);
            joined = true;
            return;
        }
        if (!warm) {
            channel.resume();
            joined = true;
            Log.info("joining the command consumer group at once, cold (miteos.recovery.warm-join=false)");
            return;
        }
        new WarmJoin(warmUpTimeout, stopping::get).join(channel, supervisor.recovered(), warmUps.stream().toList())
                .subscribe().with(ignored -> joined = !stopping.get(),
                        e -> Log.errorf(e, "could not join the command consumer group"));
    }

    /** Whether this process asked to join the group (its consumer subscribes; partitions follow). */
    public boolean joined() {
        return joined;
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        stopping.set(true);
    }
}
