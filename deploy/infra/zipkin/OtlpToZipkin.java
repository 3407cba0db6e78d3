import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import zipkin2.Endpoint;
import zipkin2.Span;
import zipkin2.codec.SpanBytesEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The local trace viewer's OTLP entrance: Zipkin (the viewer ./miteos up --tracing starts, from
 * Maven Central) reads only its own span format, the services export OTLP. This program receives
 * OTLP/HTTP protobuf ({@code POST /v1/traces}, what the services send with
 * {@code MITEOS_OTLP_PROTOCOL=http/protobuf}) and posts the same spans to Zipkin's
 * {@code /api/v2/spans} as Zipkin JSON v2: resource {@code service.name} becomes the local endpoint,
 * attributes become tags, events annotations, an ERROR status the {@code error} tag, and links
 * (which Zipkin has no place for) a {@code otel.links} tag of {@code <trace id>-<span id>} pairs.
 *
 * <p>Run with the Java source launcher (no build step), as ./miteos does:
 * <pre>java -cp "$(cat .miteos/cp/zipkin.classpath)" deploy/infra/zipkin/OtlpToZipkin.java HOST PORT ZIPKIN_URL</pre>
 * {@code GET /health} answers 200 once it listens. It keeps nothing: a batch Zipkin refuses is
 * answered 503, and the exporter drops it after its retries.
 */
public final class OtlpToZipkin {

    private static final HexFormat HEX = HexFormat.of();

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: OtlpToZipkin HOST PORT ZIPKIN_URL (e.g. 127.0.0.1 4318 http://127.0.0.1:9411)");
            System.exit(2);
        }
        URI spans = URI.create(args[2].replaceAll("/+$", "") + "/api/v2/spans");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                forward(exchange, client, spans);
            }
        });
        server.createContext("/health", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        System.out.printf("OTLP/HTTP on http://%s:%s/v1/traces -> %s%n", args[0], args[1], spans);
    }

    private static void forward(HttpExchange exchange, HttpClient client, URI spans) throws IOException {
        ExportTraceServiceRequest request;
        try (InputStream body = body(exchange)) {
            request = ExportTraceServiceRequest.parseFrom(body);
        } catch (IOException malformed) {
            System.err.println("refused a malformed export: " + malformed);
            exchange.sendResponseHeaders(400, -1);
            return;
        }
        List<Span> converted = convert(request);
        int status = 200;
        if (!converted.isEmpty()) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(spans)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(SpanBytesEncoder.JSON_V2.encodeList(converted)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    System.err.printf("zipkin refused %d spans: HTTP %d %s%n", converted.size(), response.statusCode(), response.body());
                    status = 503;
                }
            } catch (IOException | InterruptedException unreachable) {
                System.err.printf("zipkin unreachable, %d spans dropped: %s%n", converted.size(), unreachable);
                status = 503;
            }
        }
        // An empty ExportTraceServiceResponse (full success) is zero bytes of protobuf.
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(status, -1);
    }

    private static InputStream body(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
    }

    static List<Span> convert(ExportTraceServiceRequest request) {
        List<Span> out = new ArrayList<>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            Endpoint local = Endpoint.newBuilder().serviceName(serviceName(resourceSpans.getResource())).build();
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
                    Span.Builder zipkin = Span.newBuilder()
                            .traceId(hex(span.getTraceId()))
                            .id(hex(span.getSpanId()))
                            .name(span.getName())
                            .kind(kind(span.getKind()))
                            .localEndpoint(local)
                            .timestamp(span.getStartTimeUnixNano() / 1000)
                            .duration(Math.max(1, (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1000));
                    if (!span.getParentSpanId().isEmpty()) {
                        zipkin.parentId(hex(span.getParentSpanId()));
                    }
                    for (KeyValue attribute : span.getAttributesList()) {
                        zipkin.putTag(attribute.getKey(), text(attribute.getValue()));
                    }
                    if (!scopeSpans.getScope().getName().isEmpty()) {
                        zipkin.putTag("otel.scope.name", scopeSpans.getScope().getName());
                    }
                    if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
                        String message = span.getStatus().getMessage();
                        zipkin.putTag("error", message.isEmpty() ? "true" : message);
                    }
                    if (span.getLinksCount() > 0) {
                        zipkin.putTag("otel.links", span.getLinksList().stream()
                                .map(link -> hex(link.getTraceId()) + "-" + hex(link.getSpanId()))
                                .collect(Collectors.joining(",")));
                    }
                    span.getEventsList().forEach(event -> zipkin.addAnnotation(event.getTimeUnixNano() / 1000, event.getName()));
                    out.add(zipkin.build());
                }
            }
        }
        return out;
    }

    private static String serviceName(Resource resource) {
        return resource.getAttributesList().stream()
                .filter(attribute -> attribute.getKey().equals("service.name"))
                .map(attribute -> text(attribute.getValue()))
                .findFirst().orElse("unknown_service");
    }

    private static Span.Kind kind(io.opentelemetry.proto.trace.v1.Span.SpanKind kind) {
        return switch (kind) {
            case SPAN_KIND_SERVER -> Span.Kind.SERVER;
            case SPAN_KIND_CLIENT -> Span.Kind.CLIENT;
            case SPAN_KIND_PRODUCER -> Span.Kind.PRODUCER;
            case SPAN_KIND_CONSUMER -> Span.Kind.CONSUMER;
            default -> null;
        };
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream()
                    .map(OtlpToZipkin::text).collect(Collectors.joining(",", "[", "]"));
            case BYTES_VALUE -> HEX.formatHex(value.getBytesValue().toByteArray());
            default -> value.toString().strip();
        };
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }
}
