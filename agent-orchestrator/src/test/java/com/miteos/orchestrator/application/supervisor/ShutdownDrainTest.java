package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.port.journal.DurableJournal;
import com.miteos.orchestrator.port.journal.EventOutbox;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shutdown drain waits for the journal, then for the outbox (waking the relay before every
 * look), then leaves the registry; a store that fails does not hold the shutdown up.
 */
class ShutdownDrainTest {

    private final CompletableFuture<Void> journalIdle = new CompletableFuture<>();
    private final AtomicInteger wakes = new AtomicInteger();
    private final AtomicInteger looks = new AtomicInteger();
    private final AtomicBoolean left = new AtomicBoolean();

    @Test
    void waitsForTheJournalAndTheOutboxThenLeavesTheRegistry() {
        // The outbox is empty at the third look; the journal is idle a little after the drain began.
        ShutdownDrain drain = drain(Uni.createFrom().item(() -> looks.incrementAndGet() >= 3));
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
        ShutdownDrain drain = drain(Uni.createFrom().deferred(() -> {
            looks.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("database away"));
        }));

        drain.drain();

        assertThat(looks).hasValue(1);
        assertThat(left).isTrue();
    }

    private ShutdownDrain drain(Uni<Boolean> drained) {
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
            public Uni<Boolean> drained() {
                return drained;
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
        return new ShutdownDrain(new RunningTasks(journal, new SimpleMeterRegistry()), journal, outbox, instances);
    }
}
