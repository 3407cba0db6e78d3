package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.journal.DurableJournal;
import com.miteos.orchestrator.port.journal.EventOutbox;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shutdown drain waits for the journal, then for the events in the outbox when it began
 * (waking the relay before every look), not for those other instances write meanwhile, then
 * leaves the registry; a store that fails does not hold the shutdown up.
 */
class ShutdownDrainTest {

    private final CompletableFuture<Void> journalIdle = new CompletableFuture<>();
    private final AtomicInteger wakes = new AtomicInteger();
    private final AtomicInteger looks = new AtomicInteger();
    private final AtomicBoolean left = new AtomicBoolean();
    private final List<Long> asked = new CopyOnWriteArrayList<>();

    @Test
    void waitsForTheJournalAndTheOutboxThenLeavesTheRegistry() {
        // The outbox is empty at the third look; the journal is idle a little after the drain began.
        ShutdownDrain drain = drain(() -> 7L, position -> Uni.createFrom().item(() -> looks.incrementAndGet() >= 3));
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
                .execute(() -> journalIdle.complete(null));

        long start = System.nanoTime();
        assertThat(drain.drain()).isZero();

        assertThat(looks).hasValue(3);
        assertThat(wakes).as("the relay is woken before every look").hasValue(3);
        assertThat(left).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anOutboxThatCannotBeReadDoesNotHoldTheShutdownUp() {
        journalIdle.complete(null);
        ShutdownDrain drain = drain(() -> 7L, position -> Uni.createFrom().deferred(() -> {
            looks.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("database away"));
        }));

        drain.drain();

        assertThat(looks).hasValue(1);
        assertThat(left).isTrue();
    }

    @Test
    void eventsOtherInstancesWriteDuringTheDrainAreNotWaitedFor() {
        // Other instances keep writing: every read of the newest position finds a newer event, so the
        // outbox is never empty. The relay has published everything up to 42 from the third look on.
        journalIdle.complete(null);
        AtomicLong newest = new AtomicLong(41);
        ShutdownDrain drain = drain(newest::incrementAndGet, position -> Uni.createFrom().item(() -> {
            asked.add(position);
            return looks.incrementAndGet() >= 3 && position <= 42;
        }));

        long start = System.nanoTime();
        drain.drain();

        assertThat(asked).as("every look asks for the events there when the drain began")
                .containsExactly(42L, 42L, 42L);
        assertThat(left).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private ShutdownDrain drain(Supplier<Long> newest, LongFunction<Uni<Boolean>> publishedUpTo) {
        DurableJournal journal = new DurableJournal() {
            @Override
            public void onTakenOver(Consumer<String> listener) {
            }

            @Override
            public int pending() {
                return 0;
            }

            @Override
            public CompletionStage<Void> whenIdle() {
                return journalIdle;
            }
        };
        EventOutbox outbox = new EventOutbox() {
            @Override
            public void wake() {
                wakes.incrementAndGet();
            }

            @Override
            public Uni<Long> newest() {
                return Uni.createFrom().item(newest);
            }

            @Override
            public Uni<Boolean> publishedUpTo(long position) {
                return publishedUpTo.apply(position);
            }

            @Override
            public Uni<Integer> prune(Duration retention) {
                return Uni.createFrom().item(0);
            }
        };
        InstanceRegistry instances = new InstanceRegistry() {
            @Override
            public String id() {
                return "test-instance";
            }

            @Override
            public Uni<Void> heartbeat() {
                return Uni.createFrom().voidItem();
            }

            @Override
            public Uni<Void> leave() {
                return Uni.createFrom().voidItem().invoke(() -> left.set(true));
            }

            @Override
            public Uni<List<String>> cancelledHere(Set<String> running) {
                return Uni.createFrom().item(List.of());
            }
        };
        RunningTasks running = new RunningTasks(journal, new SimpleMeterRegistry());
        return new ShutdownDrain(running, journal, outbox, instances,
                new PartitionOwnership(null, instances, running, null, journal, config()));
    }

    /** A configuration answering only what PartitionOwnership reads: the revoke drain timeout. */
    private static OrchestratorConfig config() {
        OrchestratorConfig.Recovery recovery = (OrchestratorConfig.Recovery) Proxy.newProxyInstance(
                OrchestratorConfig.class.getClassLoader(), new Class<?>[] {OrchestratorConfig.Recovery.class},
                (proxy, method, args) -> Duration.ofSeconds(1));
        return (OrchestratorConfig) Proxy.newProxyInstance(OrchestratorConfig.class.getClassLoader(),
                new Class<?>[] {OrchestratorConfig.class}, (proxy, method, args) -> recovery);
    }
}
