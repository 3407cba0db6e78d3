package com.miteos.deploy.tracing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zipkin2.codec.SpanBytesDecoder;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The trace viewer's OTLP entrance ({@code infra/zipkin/OtlpToZipkin.java}, started by
 * {@code ./miteos up --tracing}) run as ./miteos runs it, with the Java source launcher, between an
 * OTLP/HTTP client (this test) and a stand-in for Zipkin's {@code POST /api/v2/spans}: what Zipkin
 * receives is the same span, with the resource's service name, the parent, the attributes as tags,
 * an ERROR status as {@code error} and the links as {@code otel.links}.
 */
class OtlpToZipkinTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<byte[]> ZIPKIN_RECEIVED = new CopyOnWriteArrayList<>();
    private static HttpServer zipkin;
    private static Process bridge;
    private static URI traces;

    @BeforeAll
    static void start() throws Exception {
        zipkin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        zipkin.createContext("/api/v2/spans", exchange -> {
            try (exchange) {
                ZIPKIN_RECEIVED.add(exchange.getRequestBody().readAllBytes());
                exchange.sendResponseHeaders(202, -1);
            }
        });
        zipkin.start();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String classpath = Stream.of(ExportTraceServiceRequest.class, Message.class, zipkin2.Span.class)
                .map(c -> Path.of(URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString())).toString())
                .collect(Collectors.joining(File.pathSeparator));
        bridge = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classpath, "infra/zipkin/OtlpToZipkin.java",
                "127.0.0.1", Integer.toString(port), "http://127.0.0.1:" + zipkin.getAddress().getPort())
                .redirectErrorStream(true).redirectOutput(new File("target/otlp-to-zipkin-test.log")).start();
        traces = URI.create("http://127.0.0.1:" + port + "/v1/traces");
        awaitHealthy(URI.create("http://127.0.0.1:" + port + "/health"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (bridge != null) {
            bridge.destroy();
            bridge.waitFor();
        }
        if (zipkin != null) {
            zipkin.stop(0);
        }
    }

    @Test
    void zipkinReceivesTheExportedSpanInItsOwnFormat() throws Exception {
        byte[] traceId = bytes(16, 1);
        byte[] linkedTrace = bytes(16, 7);
        long start = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli() * 1_000_000;
        Span span = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(traceId))
                .setSpanId(ByteString.copyFrom(bytes(8, 2)))
                .setParentSpanId(ByteString.copyFrom(bytes(8, 3)))
                .setName("chat miteos-sandbox-1")
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(start)
                .setEndTimeUnixNano(start + 2_500_000)
                .addAttributes(attribute("miteos.task_id", AnyValue.newBuilder().setStringValue("task_1")))
                .addAttributes(attribute("gen_ai.usage.input_tokens", AnyValue.newBuilder().setIntValue(155)))
                .addAttributes(attribute("miteos.resumed", AnyValue.newBuilder().setBoolValue(true)))
                .addAttributes(attribute("gen_ai.response.finish_reasons", AnyValue.newBuilder().setArrayValue(
                        ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("stop")))))
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("rate_limited"))
                .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(linkedTrace))
                        .setSpanId(ByteString.copyFrom(bytes(8, 9))))
                .addEvents(Span.Event.newBuilder().setName("retry").setTimeUnixNano(start + 1_000_000))
                .build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(attribute("service.name", AnyValue.newBuilder().setStringValue("agent-orchestrator"))))
                        .addScopeSpans(ScopeSpans.newBuilder()
                                .setScope(InstrumentationScope.newBuilder().setName("io.quarkus.opentelemetry"))
                                .addSpans(span)))
                .build();

        assertThat(post(request.toByteArray())).as("OTLP answer").isEqualTo(200);

        assertThat(ZIPKIN_RECEIVED).hasSize(1);
        List<zipkin2.Span> received = SpanBytesDecoder.JSON_V2.decodeList(ZIPKIN_RECEIVED.get(0));
        assertThat(received).singleElement().satisfies(zipkin -> {
            assertThat(zipkin.traceId()).isEqualTo(HexFormat.of().formatHex(traceId));
            assertThat(zipkin.id()).isEqualTo(HexFormat.of().formatHex(bytes(8, 2)));
            assertThat(zipkin.parentId()).isEqualTo(HexFormat.of().formatHex(bytes(8, 3)));
            assertThat(zipkin.name()).isEqualTo("chat miteos-sandbox-1");
            assertThat(zipkin.kind()).isEqualTo(zipkin2.Span.Kind.CLIENT);
            assertThat(zipkin.localServiceName()).isEqualTo("agent-orchestrator");
            assertThat(zipkin.timestampAsLong()).isEqualTo(start / 1000);
            assertThat(zipkin.durationAsLong()).isEqualTo(2_500);
            assertThat(zipkin.tags()).contains(
                    entry("miteos.task_id", "task_1"),
                    entry("gen_ai.usage.input_tokens", "155"),
                    entry("miteos.resumed", "true"),
                    entry("gen_ai.response.finish_reasons", "[stop]"),
                    entry("error", "rate_limited"),
                    entry("otel.scope.name", "io.quarkus.opentelemetry"),
                    entry("otel.links", HexFormat.of().formatHex(linkedTrace) + "-" + HexFormat.of().formatHex(bytes(8, 9))));
            assertThat(zipkin.annotations()).singleElement()
                    .satisfies(annotation -> assertThat(annotation.value()).isEqualTo("retry"));
        });
    }

    @Test
    void aMalformedExportIsRefused() throws Exception {
        assertThat(post(new byte[] {(byte) 0xff, 0x01, 0x02})).isEqualTo(400);
    }

    private static int post(byte[] body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(traces).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static KeyValue attribute(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static byte[] bytes(int length, int fill) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) fill);
        return bytes;
    }

    /** The source launcher compiles the program first: a few seconds, more on a busy machine. */
    private static void awaitHealthy(URI health) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(bridge.isAlive()).as("OtlpToZipkin is running").isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("OtlpToZipkin did not answer " + health + " within 90 s");
    }
}
