package com.miteos.testing;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on 127.0.0.1 (an ephemeral port), as an account would run one: it verifies
 * every request's signature with the Standard Webhooks reference library and the secret it was
 * given, and answers the status its script says for the n-th request (1-based). It records every
 * request, verified or not, with the status it answered; {@link #arrivals()} counts requests as
 * they arrive, before the script has answered (a script may hold an answer back). Used by
 * task-service's tests and the end-to-end tests (deploy).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(String webhookId, String timestamp, String signature, String body, boolean verified,
            int answered) {
    }

    private final HttpServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger count = new AtomicInteger();
    private final IntUnaryOperator statusForRequest;
    private volatile List<String> secrets = List.of();
    private volatile String location;

    public WebhookReceiver(IntUnaryOperator statusForRequest) throws IOException {
        this.statusForRequest = statusForRequest;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/hook", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values));
            int status = statusForRequest.applyAsInt(count.incrementAndGet());
            received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), body, verifies(body, headers), status));
            if (location != null) {
                exchange.getResponseHeaders().set("Location", location);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Answers 200 to everything. */
    public static WebhookReceiver accepting() throws IOException {
        return new WebhookReceiver(n -> 200);
    }

    /** The secrets it verifies with: a request passes if it verifies with any of them. */
    public WebhookReceiver verifyingWith(String... secrets) {
        this.secrets = List.of(secrets);
        return this;
    }

    /** Sends a {@code Location} header to {@code url} with every answer (for the 3xx its script gives). */
    public WebhookReceiver redirectingTo(String url) {
        this.location = url;
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Requests that have arrived, answered or not yet. */
    public int arrivals() {
        return count.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private boolean verifies(String body, Map<String, List<String>> headers) {
        for (String secret : secrets) {
            try {
                new Webhook(secret).verify(body, headers);
                return true;
            } catch (WebhookVerificationException wrongSecretOrTampered) {
                // try the next secret
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
