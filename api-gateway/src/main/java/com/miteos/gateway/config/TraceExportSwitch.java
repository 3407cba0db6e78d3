package com.miteos.gateway.config;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Collection;

/**
 * Keeps tracing on (trace ids in the logs, {@code traceparent} on HTTP calls and Kafka records) but
 * exports no span unless an operator set {@code MITEOS_OTLP_ENDPOINT}. Quarkus's OTLP exporter has
 * no off switch at run time: without an endpoint it sends to localhost:4317 and logs every failure.
 * It steps aside, though, when the application has a {@link SpanExporter} bean, so this one exists
 * only while no endpoint is set, and drops what it is given.
 */
public class TraceExportSwitch {

    @Produces
    @Singleton
    @Unremovable
    @LookupIfProperty(name = "tracing.otlp-endpoint", stringValue = "", lookupIfMissing = true)
    SpanExporter exportNothing() {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
