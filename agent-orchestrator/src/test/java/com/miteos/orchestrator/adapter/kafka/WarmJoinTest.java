package com.miteos.orchestrator.adapter.kafka;

import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.PausableChannel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A starting process joins the command consumer group (resumes its paused channel, whose consumer
 * then subscribes) only after its recovery and every warm-up; a warm-up that fails or hangs delays
 * the join by at most the timeout, and a process that is stopping never joins.
 */
class WarmJoinTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void joinsOnlyOnceRecoveredAndEveryWarmUpIsDone() {
        Channel channel = new Channel();
        CompletableFuture<Void> recovered = new CompletableFuture<>();
        CompletableFuture<Void> database = new CompletableFuture<>();
        CompletableFuture<Void> producer = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        Step first = new Step("database", database, started);
        Step second = new Step("producer", producer, started);

        new WarmJoin(TIMEOUT, () -> false).join(channel, Uni.createFrom().completionStage(recovered),
                List.of(first, second)).subscribe().with(ignored -> { });

        assertThat(started).as("no warm-up before the recovery").hasValue(0);
        assertThat(channel.resumed).isFalse();
        recovered.complete(null);
        assertThat(started).as("the warm-ups run side by side").hasValue(2);
        producer.complete(null);
        assertThat(channel.resumed).as("one warm-up still running").isFalse();
        database.complete(null);
        assertThat(channel.resumed).isTrue();
    }

    @Test
    void aWarmUpThatFailsOrHangsDelaysTheJoinByAtMostTheTimeout() {
        Channel channel = new Channel();
        WarmUp failing = new Step("failing", CompletableFuture.failedFuture(new IllegalStateException("down")),
                new AtomicInteger());
        WarmUp hanging = new Step("hanging", new CompletableFuture<>(), new AtomicInteger());

        new WarmJoin(Duration.ofMillis(300), () -> false).join(channel, Uni.createFrom().voidItem(),
                List.of(failing, hanging)).subscribe().with(ignored -> { });

        assertThat(channel.resumed).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(channel.resumed).isTrue());
    }

    @Test
    void aProcessThatIsStoppingDoesNotJoin() {
        Channel channel = new Channel();
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<Void> recovered = new CompletableFuture<>();
        new WarmJoin(TIMEOUT, stopping::get).join(channel, Uni.createFrom().completionStage(recovered), List.of())
                .subscribe().with(ignored -> { });

        stopping.set(true);
        recovered.complete(null);

        assertThat(channel.resumed).isFalse();
    }

    private static final class Channel implements PausableChannel {
        volatile boolean resumed;

        @Override
        public boolean isPaused() {
            return !resumed;
        }

        @Override
        public void pause() {
            resumed = false;
        }

        @Override
        public void resume() {
            resumed = true;
        }
    }

    private record Step(String name, CompletableFuture<Void> done, AtomicInteger started) implements WarmUp {
        @Override
        public Uni<Void> run() {
            started.incrementAndGet();
            return Uni.createFrom().completionStage(done);
        }
    }
}
