package com.miteos.orchestrator.application.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace context as the W3C {@code traceparent} text, the form in which it is stored with an outbox
 * row: the request that wrote the row is long gone when the row is published (by the relay, perhaps
 * by another instance), so the record's span is made a child of the stored context, not of whatever
 * is current then.
 */
public final class TraceParents {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return List.copyOf(carrier.keySet());
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceParents() {
    }

    /** The span's context in {@code context} as {@code traceparent}, or null when it has no valid span. */
    public static String of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(context, carrier, Map::put);
        return carrier.get("traceparent");
    }

    /** The context {@code traceparent} names, as a parent; the root context if it is null or malformed. */
    public static Context parse(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return W3C.extract(Context.root(), Map.of("traceparent", traceparent), FROM_MAP);
    }
}
