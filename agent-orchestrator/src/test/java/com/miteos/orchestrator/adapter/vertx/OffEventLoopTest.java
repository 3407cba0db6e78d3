package com.miteos.orchestrator.adapter.vertx;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work handed off the event loop runs on the pool, not on the loop of the context that asked, and
 * its outcome (item or failure) comes back on that very context, where the task's MDC, trace and
 * database callbacks are.
 */
class OffEventLoopTest {

    private final Vertx vertx = Vertx.vertx();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theWorkRunsOffTheEventLoopAndItsItemComesBackOnTheCallersContext() throws Exception {
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Boolean> workedOnEventLoop = new CompletableFuture<>();
        CompletableFuture<Context> answeredOn = new CompletableFuture<>();

        caller.runOnContext(ignored -> OffEventLoop.call(pool, () -> {
            workedOnEventLoop.complete(Context.isOnEventLoopThread());
            return "answer";
        }).subscribe().with(item -> answeredOn.complete(Vertx.currentContext()), answeredOn::completeExceptionally));

        assertThat(workedOnEventLoop.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).isSameAs(caller);
    }

    @Test
    void aFailureComesBackOnTheCallersContextToo() throws Exception {
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Context> failedOn = new CompletableFuture<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();

        caller.runOnContext(ignored -> OffEventLoop.call(pool, () -> {
            throw new IllegalStateException("refused");
        }).subscribe().with(item -> failedOn.complete(null), e -> {
            failure.complete(e);
            failedOn.complete(Vertx.currentContext());
        }));

        assertThat(failedOn.get(10, TimeUnit.SECONDS)).isSameAs(caller);
        assertThat(failure.get(10, TimeUnit.SECONDS)).hasMessage("refused");
    }
}
