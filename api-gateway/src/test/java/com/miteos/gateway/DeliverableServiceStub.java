package com.miteos.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliverable-service, and the S3 its read URLs point at, in one server. It locates
 * {@link #FILE} of {@link #TASK} (for any caller) and no other file: every other download the
 * gateway asks for is a 404, as for another account's file. Two more files of the task are
 * located whose objects are broken: {@link #GONE} (S3 answers 404) and {@link #BROKEN} (S3 answers
 * 500). It lets the download route run its whole path in tests (the REST read models are mocked
 * instead, but the route talks to the service directly).
 *
 * <p>The "S3" side serves {@link #CONTENT} as S3 does for the ranges the gateway sends it: a single
 * {@code bytes=first-last} range is a 206, no Range header the whole object. What it was sent is
 * kept: the last Range header in {@link #lastRange}, the number of reads in {@link #reads}, and the
 * identity headers of the last location asked for in {@link #lastOwner}.
 */
public class DeliverableServiceStub implements QuarkusTestResourceLifecycleManager {

    public static final String TASK = "task_01m8h8kgrg4sv6yxkp0mfhyr6z";
    public static final String FILE = "dlvr_01m8h8kk7z637y3bz1qk5ax3q7";
    public static final String GONE = "dlvr_01m8h8kk7z637y3bz1qk5ax3q8";
    public static final String BROKEN = "dlvr_01m8h8kk7z637y3bz1qk5ax3q9";
    public static final String CONTENT = "0123456789";
    /** The Range header of the last read of {@link #FILE}'s object ("" when it had none). */
    public static volatile String lastRange = "";
    /** Reads of {@link #FILE}'s object. */
    public static final AtomicInteger reads = new AtomicInteger();
    /** {@code <account id>/<mode>} of the last location asked for. */
    public static volatile String lastOwner = "";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the deliverable-service stub", e);
        }
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String files = "/internal/tasks/" + TASK + "/deliverables/";
        location(files + FILE, FILE, base + "/s3/bucket/digits?X-Amz-Signature=stub");
        location(files + GONE, GONE, base + "/s3/bucket/gone?X-Amz-Signature=stub");
        location(files + BROKEN, BROKEN, base + "/s3/bucket/broken?X-Amz-Signature=stub");
        server.createContext("/s3/bucket/digits", exchange -> {
            exchange.getRequestBody().readAllBytes();
            reads.incrementAndGet();
            String range = exchange.getRequestHeaders().getFirst("Range");
            lastRange = range == null ? "" : range;
            String body = CONTENT;
            int status = 200;
            if (range != null) {
                String[] span = range.substring("bytes=".length()).split("-");
                int first = Integer.parseInt(span[0]);
                int last = Integer.parseInt(span[1]);
                body = CONTENT.substring(first, last + 1);
                status = 206;
                exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/10");
            }
            exchange.getResponseHeaders().add("Content-Type", "binary/octet-stream");
            send(exchange, status, body);
        });
        server.createContext("/s3/bucket/gone", exchange -> send(exchange, 404, "<Error><Code>NoSuchKey</Code></Error>"));
        server.createContext("/s3/bucket/broken", exchange -> send(exchange, 500, "<Error><Code>InternalError</Code></Error>"));
        server.createContext("/", exchange -> send(exchange, 404, "{}"));
        server.start();
        return Map.of("quarkus.rest-client.deliverable-service.url", base);
    }

    private void location(String path, String id, String readUrl) {
        server.createContext(path + "/location", exchange -> {
            lastOwner = exchange.getRequestHeaders().getFirst("X-Miteos-Account-Id") + "/"
                    + exchange.getRequestHeaders().getFirst("X-Miteos-Mode");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            send(exchange, 200, """
                    {"id":"%s","name":"digits.txt","type":"text/plain","size_bytes":10,\
                    "content_disposition":"attachment; filename=\\"digits.txt\\"","read_url":"%s"}"""
                    .formatted(id, readUrl));
        });
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
