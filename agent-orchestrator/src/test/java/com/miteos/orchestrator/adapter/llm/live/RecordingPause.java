package com.miteos.orchestrator.adapter.llm.live;

import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The provider's pause between attempts, for tests: it remembers how long each pause was asked to
 * last and either ends at once, so that retries cost no wall-clock time, or (when held) never ends
 * by itself, so that a test can act while the provider is provably inside a pause.
 */
final class RecordingPause implements LiveModelProvider.Pause {

    private final boolean held;
    private final List<Duration> asked = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> entered = new CompletableFuture<>();
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

    private RecordingPause(boolean held) {
        this.held = held;
    }

    /** Pauses that end at once. */
    static RecordingPause immediate() {
        return new RecordingPause(false);
    }

    /** Pauses that last until they are cancelled. */
    static RecordingPause held() {
        return new RecordingPause(true);
    }

    @Override
    public Uni<Void> of(Duration delay) {
        asked.add(delay);
        if (!held) {
            return Uni.createFrom().voidItem();
        }
        // The emitter is handed to the subscriber before this runs, so once "entered" completes
        // a cancel reaches this pause rather than racing with its subscription.
        return Uni.createFrom().emitter(emitter -> {
            emitter.onTermination(() -> cancelled.complete(null));
            entered.complete(null);
        });
    }

    /** The delays asked for, in order. */
    List<Duration> asked() {
        return List.copyOf(asked);
    }

    /** Completes once a (held) pause has begun. */
    CompletableFuture<Void> entered() {
        return entered;
    }

    /** Completes once a held pause was cancelled. */
    CompletableFuture<Void> cancelled() {
        return cancelled;
    }
}
