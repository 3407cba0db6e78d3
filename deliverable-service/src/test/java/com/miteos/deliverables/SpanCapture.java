package com.miteos.deliverables;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Every span the service under test ends, kept in memory. A SpanExporter bean is what Quarkus's
 * OpenTelemetry exports to (and, being there, it turns the OTLP exporter off): tests read and reset it.
 */
public class SpanCapture {

    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }
}
