package com.miteos.tasks.messaging;

import com.miteos.model.event.EventEnvelope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Puts the projection of a consumed event into the task's trace. The Kafka connector continues the
 * trace of the record's {@code traceparent} header with a consumer span ("receive"), but ends it as
 * soon as the record is handed over; the projection's work (the inbox transaction, its retries) is
 * a {@code project <event type>} span under it, ended when the projection commits or is refused.
 * Events projected together in one batch transaction each get such a span, of the same length.
 */
@ApplicationScoped
public class ProjectionSpans {

    private final Tracer tracer;

    public ProjectionSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** {@code tracing}: the consumed record's trace, as the connector handed it over (none: the current one). */
    public Uni<Void> project(EventEnvelope<?> envelope, Optional<TracingMetadata> tracing, Supplier<Uni<Void>> work) {
        return projectAll(List.of(envelope), List.of(tracing), work);
    }

    /**
     * The projection of a batch: one {@code project <event type>} span per event, each in its own
     * record's trace, all covering the batch's one transaction ({@code work}, run in the first
     * event's span) and ended when it commits or fails.
     */
    public Uni<Void> projectAll(List<? extends EventEnvelope<?>> envelopes, List<Optional<TracingMetadata>> tracing,
            Supplier<Uni<Void>> work) {
        return Uni.createFrom().deferred(() -> {
            List<Span> started = new ArrayList<>(envelopes.size());
            for (int i = 0; i < envelopes.size(); i++) {
                started.add(start(envelopes.get(i), tracing.get(i), envelopes.size()));
            }
            Uni<Void> projected;
            try (Scope ignored = started.isEmpty() ? Scope.noop() : started.get(0).makeCurrent()) {
                projected = work.get();
            } catch (RuntimeException e) {
                end(started, e);
                throw e;
            }
            return projected.onTermination().invoke((done, failure, cancelled) -> end(started, failure));
        });
    }

    private Span start(EventEnvelope<?> envelope, Optional<TracingMetadata> tracing, int batchSize) {
        Context parent = tracing.map(TracingMetadata::getCurrentContext).orElseGet(Context::current);
        return tracer.spanBuilder("project " + envelope.type())
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.batch.message_count", (long) batchSize)
                .setAttribute("miteos.task_id", envelope.taskId())
                .setAttribute("miteos.event_id", envelope.eventId())
                .setAttribute("miteos.event_sequence", envelope.sequence())
                .startSpan();
    }

    private static void end(List<Span> spans, Throwable failure) {
        for (Span span : spans) {
            if (failure != null) {
                refused(span, failure);
            }
            span.end();
        }
    }

    private static void refused(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        span.setAttribute("error.type", failure.getClass().getName());
    }
}
