package com.miteos.orchestrator.adapter.vertx;

import io.netty.channel.EventLoop;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run handed over from the command stream starts after the command's turn, on a duplicated
 * context of its own on another event loop, with the task's trace as the current context.
 */
class EventLoopRunContextsTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    private final EventLoopRunContexts contexts = new EventLoopRunContexts(vertx);

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRunStartsAfterTheCommandsTurnOnAContextOfItsOwnAwayFromTheCommandLoop() throws Exception {
        Context commands = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        EventLoop commandLoop = ((ContextInternal) commands).nettyEventLoop();
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.root().with(Span.wrap(
                SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                        TraceFlags.getSampled(), TraceState.getDefault())));
        AtomicBoolean commandTurnOver = new AtomicBoolean();
        CompletableFuture<Boolean> startedAfterTheTurn = new CompletableFuture<>();
        CompletableFuture<Context> startedOn = new CompletableFuture<>();
        CompletableFuture<String> traceId = new CompletableFuture<>();

        for (int task = 0; task < 8; task++) {
            CompletableFuture<Context> on = task == 0 ? startedOn : new CompletableFuture<>();
            commands.runOnContext(ignored -> {
                contexts.keepForCommands(Vertx.currentContext());
                contexts.start("task_1", "acct_1", trace, () -> {
                    startedAfterTheTurn.complete(commandTurnOver.get());
                    traceId.complete(Span.current().getSpanContext().getTraceId());
                    on.complete(Vertx.currentContext());
                });
                commandTurnOver.set(true);
            });
            Context started = on.get(10, TimeUnit.SECONDS);
            assertThat(((ContextInternal) started).nettyEventLoop()).as("run %d's event loop", task)
                    .isNotSameAs(commandLoop);
        }

        assertThat(startedAfterTheTurn.get(10, TimeUnit.SECONDS)).isTrue();
        Context started = startedOn.get(10, TimeUnit.SECONDS);
        assertThat(VertxContext.isDuplicatedContext(started)).isTrue();
        assertThat(started).isNotSameAs(commands);
        assertThat(traceId.get(10, TimeUnit.SECONDS)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }
}
