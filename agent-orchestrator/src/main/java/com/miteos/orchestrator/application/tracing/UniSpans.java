package com.miteos.orchestrator.application.tracing;

import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.port.llm.ModelCallException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A span around asynchronous work: started when the {@link Uni} is subscribed, ended when it
 * answers, fails (status ERROR, {@code error.type}: the
 * public error code where there is one) or is cancelled ({@code miteos.cancelled}). The
 * work gets the span's context as the parent of its own spans: a run's agents interleave on the
 * same threads, so the parent is passed along explicitly, never taken from whatever is current.
 */
final class UniSpans {

    private UniSpans() {
    }

    /** {@code onItem} may add attributes from the answer before the span ends. */
    static <T> Uni<T> within(SpanBuilder builder, Context parent, Function<Context, Uni<T>> work,
            BiConsumer<Span, T> onItem) {
        return Uni.createFrom().deferred(() -> {
            Span span = builder.setParent(parent).startSpan();
            Context context = parent.with(span);
            Uni<T> started;
            try (Scope ignored = context.makeCurrent()) {
                started = work.apply(context);
            } catch (RuntimeException e) {
                failed(span, e);
                span.end();
                throw e;
            }
            return started.onTermination().invoke((item, failure, cancelled) -> {
                if (failure != null) {
                    failed(span, failure);
                } else if (cancelled) {
                    span.setAttribute("miteos.cancelled", true);
                } else {
                    onItem.accept(span, item);
                }
                span.end();
            });
        });
    }

    static <T> Uni<T> within(SpanBuilder builder, Context parent, Function<Context, Uni<T>> work) {
        return within(builder, parent, work, (span, item) -> { });
    }

    private static void failed(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, failure.getMessage() == null ? "" : failure.getMessage());
        span.setAttribute("error.type", errorType(failure));
    }

    /** The public error code where the failure has one (it becomes the task's error.code), else its class. */
    private static String errorType(Throwable failure) {
        if (failure instanceof ModelCallException e) {
            return e.code();
        }
        if (failure instanceof AgentFailure e) {
            return e.code();
        }
        return failure.getClass().getName();
    }
}
