package com.miteos.orchestrator.adapter.net;

import com.miteos.net.TestDns;
import com.miteos.net.StandInPolicy;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "public" web site for tests, served on the stand-in address 127.0.0.2 that
 * {@link StandInPolicy} treats as public, under the name {@link #NAME}. Its pages redirect,
 * stream large bodies, stall, and report the request they got, so that the fetcher's
 * behaviour can be checked without a packet leaving this machine.
 *
 * <p>Paths: {@code /page} (HTML), {@code /json}, {@code /text}, {@code /image}, {@code /missing}
 * (404), {@code /echo} (the Host and User-Agent received), {@code /big?mib=N} (N MiB of text),
 * {@code /slow} (no answer), {@code /slow-body} (headers and the start of the body, then nothing),
 * {@code /redirect?to=URL}, {@code /redirect-nowhere} (302 without Location) and
 * {@code /chain/N} (N more redirects, then a page). A stall lasts until the site is closed, not
 * for a time: a fetch that ends while the site stalls can only have been ended by its own timeout.
 */
public final class StandInSite implements AutoCloseable {

    public static final String NAME = "site.test";

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stand-in-site");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    public StandInSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(TestDns.address(StandInPolicy.STAND_IN), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://site.test:<port><path>}. */
    public String url(String path) {
        return "http://" + NAME + ":" + port() + path;
    }

    /** How many requests arrived for paths starting with {@code prefix}. */
    public int hits(String prefix) {
        return hits.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        try (exchange) {
            if (path.equals("/page")) {
                send(exchange, 200, "text/html; charset=utf-8", """
                        <!doctype html><html><head><title>Stand-in page</title>
                        <style>body { color: red }</style><script>var secret = "script text";</script></head>
                        <body><h1>Welcome</h1><p>First <b>paragraph</b> with a <a href="/next">relative link</a>.</p>
                        <ul><li>one</li><li>two</li></ul><div hidden>hidden text</div>
                        <noscript>noscript text</noscript><pre>  indented
                          code</pre></body></html>""");
            } else if (path.equals("/json")) {
                send(exchange, 200, "application/json", "{\"answer\": 42}");
            } else if (path.equals("/text")) {
                send(exchange, 200, "text/plain; charset=iso-8859-1", "caf\u00e9");
            } else if (path.equals("/image")) {
                send(exchange, 200, "image/png", "\u0089PNG");
            } else if (path.equals("/echo")) {
                String host = exchange.getRequestHeaders().getFirst("Host");
                String agent = exchange.getRequestHeaders().getFirst("User-Agent");
                send(exchange, 200, "text/plain", "host=" + host + "\nuser-agent=" + agent + "\nmethod="
                        + exchange.getRequestMethod());
            } else if (path.equals("/big")) {
                int mebibytes = query == null ? 8 : Integer.parseInt(query.replace("mib=", ""));
                streamBig(exchange, mebibytes);
            } else if (path.equals("/slow")) {
                stall();
                send(exchange, 200, "text/plain", "too late");
            } else if (path.equals("/slow-body")) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("the start".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                stall();
                exchange.getResponseBody().write(" and the end".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/redirect")) {
                redirect(exchange, java.net.URLDecoder.decode(query.substring("to=".length()), StandardCharsets.UTF_8));
            } else if (path.equals("/redirect-nowhere")) {
                exchange.sendResponseHeaders(302, -1);
            } else if (path.startsWith("/chain/")) {
                int remaining = Integer.parseInt(path.substring("/chain/".length()));
                if (remaining == 0) {
                    send(exchange, 200, "text/plain", "end of the chain");
                } else {
                    redirect(exchange, "/chain/" + (remaining - 1));
                }
            } else {
                send(exchange, 404, "text/plain", "not here");
            }
        } catch (IOException clientWentAway) {
            // The fetcher stops reading at its limits; that is the point of several tests.
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(contentType.contains("iso-8859-1") ? StandardCharsets.ISO_8859_1
                : StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void streamBig(HttpExchange exchange, int mebibytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        OutputStream body = exchange.getResponseBody();
        for (int i = 0; i < mebibytes * 16; i++) {
            body.write(chunk);
        }
    }

    private void stall() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
