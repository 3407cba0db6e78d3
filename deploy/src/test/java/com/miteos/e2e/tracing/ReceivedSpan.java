package com.miteos.e2e.tracing;

import java.util.List;
import java.util.Map;

/** A span as a service exported it over OTLP. {@code parentSpanId} is empty for a root span. */
public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
        Map<String, Object> attributes, List<String> linkedTraces) {

    public Object attribute(String key) {
        return attributes.get(key);
    }
}
