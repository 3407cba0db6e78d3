package com.miteos.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A deliverable-service that knows one file, {@link #FILE} of {@link #TASK} (for any caller), and
 * no other: every other download the gateway streams from it is a 404, as for another account's
 * file. It lets the download route run its whole path in tests (the REST read models are mocked
 * instead, but the route talks to the service directly).
 *
 * <p>The known file answers the {@code Range} headers that the download tests send the way
 * deliverable-service does (its own tests cover the range arithmetic): {@code bytes=2-5} is a
 * 206, {@code bytes=20-} a 416, anything else the whole file. The last Range header received is
 * kept in {@link #lastRange}.
 */
public class DeliverableServiceStub implements QuarkusTestResourceLifecycleManager {

    public static final String TASK = "task_01m8h8kgrg4sv6yxkp0mfhyr6z";
    public static final String FILE = "dlvr_01m8h8kk7z637y3bz1qk5ax3q7";
    public static final String CONTENT = "0123456789";
    /** The Range header of the last request for {@link #FILE} ("" when it had none). */
    public static volatile String lastRange = "";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the deliverable-service stub", e);
        }
        server.createContext("/internal/tasks/" + TASK + "/deliverables/" + FILE + "/content", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String range = exchange.getRequestHeaders().getFirst("Range");
            lastRange = range == null ? "" : range;
            var headers = exchange.getResponseHeaders();
            headers.add("Accept-Ranges", "bytes");
            headers.add("Content-Disposition", "attachment; filename=\"digits.txt\"");
            if ("bytes=20-".equals(range)) {
                headers.add("Content-Range", "bytes */10");
                exchange.sendResponseHeaders(416, -1);
                exchange.close();
                return;
            }
            byte[] body = ("bytes=2-5".equals(range) ? CONTENT.substring(2, 6) : CONTENT).getBytes();
            headers.add("Content-Type", "text/plain");
            if ("bytes=2-5".equals(range)) {
                headers.add("Content-Range", "bytes 2-5/10");
            }
            exchange.sendResponseHeaders("bytes=2-5".equals(range) ? 206 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return Map.of("quarkus.rest-client.deliverable-service.url",
                "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
