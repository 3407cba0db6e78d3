package com.miteos.orchestrator.adapter.kafka;

import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.PausableChannel;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** The order of a warm join ({@link CommandGroupJoin}): recovered, then warmed up, then the channel resumed. */
final class WarmJoin {

    private static final Logger LOG = Logger.getLogger(CommandGroupJoin.class);

    private final Duration warmUpTimeout;
    private final BooleanSupplier stopping;

    WarmJoin(Duration warmUpTimeout, BooleanSupplier stopping) {
        this.warmUpTimeout = warmUpTimeout;
        this.stopping = stopping;
    }

    /** Waits for the recovery, runs the warm-ups side by side, then resumes the channel: the consumer subscribes. */
    Uni<Void> join(PausableChannel channel, Uni<Void> recovered, List<WarmUp> steps) {
        long began = System.nanoTime();
        long[] recoveredAt = new long[1];
        return recovered
                .invoke(() -> recoveredAt[0] = System.nanoTime())
                .chain(() -> warmUp(steps))
                .invoke(report -> {
                    if (stopping.getAsBoolean()) {
                        LOG.info("stopping before it joined the command consumer group");
                        return;
                    }
                    channel.resume();
                    LOG.infof("joining the command consumer group %d ms after the JVM started: recovery %d ms,"
                            + " then warm-up %d ms (%s)", ManagementFactory.getRuntimeMXBean().getUptime(),
                            (recoveredAt[0] - began) / 1_000_000, (System.nanoTime() - recoveredAt[0]) / 1_000_000,
                            report);
                })
                .replaceWithVoid();
    }

    private Uni<String> warmUp(List<WarmUp> steps) {
        if (steps.isEmpty()) {
            return Uni.createFrom().item("nothing to warm up");
        }
        List<Uni<String>> timed = new ArrayList<>();
        for (WarmUp step : steps) {
            timed.add(Uni.createFrom().deferred(() -> {
                long t0 = System.nanoTime();
                return step.run()
                        .ifNoItem().after(warmUpTimeout).fail()
                        .map(ignored -> step.name() + " " + (System.nanoTime() - t0) / 1_000_000 + " ms")
                        .onFailure().recoverWithItem(e -> {
                            LOG.warnf("warm-up of %s given up after %d ms: %s", step.name(),
                                    (System.nanoTime() - t0) / 1_000_000, e.toString());
                            return step.name() + " given up";
                        });
            }));
        }
        return Uni.join().all(timed).andFailFast().map(names -> names.stream().collect(Collectors.joining(", ")));
    }
}
