package com.miteos.orchestrator.adapter.vertx;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.Executor;

/**
 * Work that must not run on an event loop, run on a pool, its outcome handed back on the caller's
 * Vert.x context. A blocking call, or computation that may take long (on a cold JVM, the first
 * of a kind loads and compiles its code), would hold everything else on that loop: the other
 * contexts there, the database connections whose I/O runs there, and with them every command
 * and journal write that waits for one. The caller's context is where the task's logging context
 * (MDC) and trace live and where its database callbacks come back; the pool's threads carry neither.
 */
public final class OffEventLoop {

    private OffEventLoop() {
    }

    /** {@code call} on {@code pool}, subscribed lazily; its item or failure on the caller's context, if it has one. */
    public static <T> Uni<T> call(Executor pool, Call<T> call) {
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            Uni<T> done = Uni.createFrom().<T>emitter(emitter -> {
                try {
                    emitter.complete(call.run());
                } catch (Exception e) {
                    emitter.fail(e);
                }
            }).runSubscriptionOn(pool);
            return caller == null ? done : done.emitOn(next -> caller.runOnContext(ignored -> next.run()));
        });
    }

    /** The work; whatever it throws is the outcome's failure. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }
}
