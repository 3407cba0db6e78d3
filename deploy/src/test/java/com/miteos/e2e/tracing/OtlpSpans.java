package com.miteos.e2e.tracing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an OTLP {@code ExportTraceServiceRequest} (opentelemetry-proto, trace/v1) into
 * {@link ReceivedSpan}s: per resource its {@code service.name}, per span its ids, name and
 * attributes (string, bool, int, double and string arrays).
 */
final class OtlpSpans {

    private OtlpSpans() {
    }

    static List<ReceivedSpan> decode(byte[] request) {
        List<ReceivedSpan> spans = new ArrayList<>();
        ProtoReader export = new ProtoReader(request);
        while (export.next()) {
            if (export.field() == 1) { // resource_spans
                resourceSpans(export.message(), spans);
            } else {
                export.skip();
            }
        }
        return spans;
    }

    private static void resourceSpans(ProtoReader resourceSpans, List<ReceivedSpan> into) {
        String service = null;
        List<ProtoReader> scopes = new ArrayList<>();
        while (resourceSpans.next()) {
            if (resourceSpans.field() == 1) { // resource
                ProtoReader resource = resourceSpans.message();
                Map<String, Object> attributes = new LinkedHashMap<>();
                while (resource.next()) {
                    if (resource.field() == 1) {
                        keyValue(resource.message(), attributes);
                    } else {
                        resource.skip();
                    }
                }
                service = (String) attributes.get("service.name");
            } else if (resourceSpans.field() == 2) { // scope_spans
                scopes.add(resourceSpans.message());
            } else {
                resourceSpans.skip();
            }
        }
        for (ProtoReader scope : scopes) {
            while (scope.next()) {
                if (scope.field() == 2) { // spans
                    into.add(span(scope.message(), service));
                } else {
                    scope.skip();
                }
            }
        }
    }

    private static ReceivedSpan span(ProtoReader span, String service) {
        String traceId = null;
        String spanId = null;
        String parentSpanId = "";
        String name = null;
        Map<String, Object> attributes = new LinkedHashMap<>();
        List<String> linkedTraces = new ArrayList<>();
        while (span.next()) {
            switch (span.field()) {
                case 1 -> traceId = HexFormat.of().formatHex(span.bytes());
                case 2 -> spanId = HexFormat.of().formatHex(span.bytes());
                case 4 -> parentSpanId = HexFormat.of().formatHex(span.bytes());
                case 5 -> name = span.string();
                case 9 -> keyValue(span.message(), attributes);
                case 13 -> { // links
                    ProtoReader link = span.message();
                    while (link.next()) {
                        if (link.field() == 1) {
                            linkedTraces.add(HexFormat.of().formatHex(link.bytes()));
                        } else {
                            link.skip();
                        }
                    }
                }
                default -> span.skip();
            }
        }
        return new ReceivedSpan(service, traceId, spanId, parentSpanId, name, attributes, linkedTraces);
    }

    private static void keyValue(ProtoReader keyValue, Map<String, Object> into) {
        String key = null;
        Object value = null;
        while (keyValue.next()) {
            if (keyValue.field() == 1) {
                key = keyValue.string();
            } else if (keyValue.field() == 2) {
                value = anyValue(keyValue.message());
            } else {
                keyValue.skip();
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    private static Object anyValue(ProtoReader any) {
        Object value = null;
        while (any.next()) {
            switch (any.field()) {
                case 1 -> value = any.string();
                case 2 -> value = any.varint() != 0;
                case 3 -> value = any.varint();
                case 4 -> value = Double.longBitsToDouble(any.fixed64());
                case 5 -> { // array_value
                    ProtoReader array = any.message();
                    List<Object> items = new ArrayList<>();
                    while (array.next()) {
                        if (array.field() == 1) {
                            items.add(anyValue(array.message()));
                        } else {
                            array.skip();
                        }
                    }
                    value = items;
                }
                default -> any.skip();
            }
        }
        return value;
    }
}
