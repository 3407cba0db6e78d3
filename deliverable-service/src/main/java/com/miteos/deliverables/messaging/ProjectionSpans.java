package com.miteos.deliverables.messaging;

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

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Puts the projection of a consumed event into the task's trace. The Kafka connector continues the
 * trace of the record's {@code traceparent} header with a consumer span ("receive"), but ends it as
 * soon as the record is handed over; the projection's work (the inbox transaction, its retries) is
 * a {@code project <event type>} span under it, ended when the projection commits or is refused.
 */
@ApplicationScoped
public class ProjectionSpans {

    private final Tracer tracer;

    public ProjectionSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** {@code tracing}: the consumed record's trace, as the connector handed it over (none: the current one). */
    public Uni<Void> project(EventEnvelope<?> envelope, Optional<TracingMetadata> tracing, Supplier<Uni<Void>> work) {
        Context parent = tracing.map(TracingMetadata::getCurrentContext).orElseGet(Context::current);
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder("project " + envelope.type())
                    .setParent(parent)
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute("messaging.operation.type", "process")
                    .setAttribute("miteos.task_id", envelope.taskId())
                    .setAttribute("miteos.event_id", envelope.eventId())
                    .setAttribute("miteos.event_sequence", envelope.sequence())
                    .startSpan();
            Uni<Void> projected;
            try (Scope ignored = span.makeCurrent()) {
                projected = work.get();
            } catch (RuntimeException e) {
                refused(span, e);
                span.end();
                throw e;
            }
            return projected.onTermination().invoke((done, failure, cancelled) -> {
                if (failure != null) {
                    refused(span, failure);
                }
                span.end();
            });
        });
    }

    private static void refused(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        span.setAttribute("error.type", failure.getClass().getName());
    }
}
