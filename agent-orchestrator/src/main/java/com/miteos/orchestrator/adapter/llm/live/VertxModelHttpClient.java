package com.miteos.orchestrator.adapter.llm.live;

import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * LangChain4j's HTTP client SPI on the non-blocking Vert.x HTTP client, for one attempt at one
 * model call.
 *
 * <p>Why: LangChain4j's default (JDK) client reads the server-sent-event stream from a blocking
 * {@code InputStream} on a thread of its own, so every model call in flight would hold a platform
 * thread for as long as the model thinks. Here the request is sent and the answer collected on a
 * Vert.x event loop; no thread waits. The whole answer is collected (up to a size limit) and only
 * then handed to LangChain4j's SSE parser from memory, which is enough because the provider
 * answers complete responses anyway, and keeps the parser, which reads an {@code InputStream},
 * from ever blocking.
 *
 * <p>The contract with the listener: on a 2xx answer, {@code onOpen}, the parsed events, then
 * {@code onClose}; on anything else exactly one {@code onError} &mdash; a {@link ModelHttpException}
 * for a non-2xx status, a {@link ModelConnectionException} when the exchange broke. After the
 * attempt is cancelled through its {@link InFlightRequest} the listener hears nothing more.
 *
 * <p>Only the streaming {@code execute} is implemented: the provider only streams, and a
 * blocking call is exactly what this class exists to avoid.
 */
final class VertxModelHttpClient implements dev.langchain4j.http.client.HttpClient {

    /** How much of an error answer is kept for the message; error bodies are short JSON objects. */
    static final int MAX_ERROR_BODY_CHARS = 500;
    private static final int MAX_ERROR_BODY_BYTES = 4 * MAX_ERROR_BODY_CHARS;

    private final HttpClient http;
    private final Duration idleTimeout;
    private final int maxResponseBytes;

    /**
     * @param http             the shared Vert.x client; its own connect timeout bounds each TCP connect
     * @param idleTimeout      the longest silence from the server, before and while it answers
     * @param maxResponseBytes the largest successful answer read
     */
    VertxModelHttpClient(HttpClient http, Duration idleTimeout, int maxResponseBytes) {
        this.http = http;
        this.idleTimeout = idleTimeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Not supported: Miteos only streams, so that no thread waits on the model. */
    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        throw new UnsupportedOperationException(
                "The Vert.x model client only streams; a blocking call would hold a thread while the model thinks");
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        // Where the attempt being sent keeps its request, so that cancelling the call can reset it.
        InFlightRequest inFlight = InFlightRequest.ofRequestBeingSent();
        Exchange exchange = new Exchange(request, parser, listener, inFlight);
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            exchange.fail(new UnsupportedOperationException("multipart requests are not supported"));
            return;
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(request.method().name()))
                .setAbsoluteURI(request.url())
                // No limit on waiting for a free pooled connection: that wait is our own back-pressure,
                // not a fault of the server, and cancellation or the task's time limit ends it.
                // Silence, not total time: an answer that keeps streaming may take as long as it needs.
                .setIdleTimeout(idleTimeout.toMillis())
                // A redirect means a misconfigured base URL; following it would send the key elsewhere.
                .setFollowRedirects(false);
        request.headers().forEach((name, values) -> values.forEach(value -> options.addHeader(name, value)));
        http.request(options).onComplete(obtained -> {
            if (obtained.failed()) {
                exchange.fail(exchange.broken("could not connect", obtained.cause()));
                return;
            }
            HttpClientRequest sent = obtained.result();
            if (!inFlight.attach(sent)) {
                return;
            }
            String body = request.body();
            (body == null ? sent.send() : sent.send(Buffer.buffer(body, StandardCharsets.UTF_8.name())))
                    .onComplete(answered -> {
                        if (answered.failed()) {
                            inFlight.detach(sent);
                            exchange.fail(exchange.broken("the request failed", answered.cause()));
                        } else {
                            exchange.read(sent, answered.result());
                        }
                    });
        });
    }

    /** One request and its answer; makes sure the listener hears at most one outcome. */
    private final class Exchange {

        private final HttpRequest request;
        private final ServerSentEventParser parser;
        private final ServerSentEventListener listener;
        private final InFlightRequest inFlight;
        private final AtomicBoolean settled = new AtomicBoolean();

        Exchange(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener,
                InFlightRequest inFlight) {
            this.request = request;
            this.parser = parser;
            this.listener = listener;
            this.inFlight = inFlight;
        }

        void read(HttpClientRequest sent, HttpClientResponse response) {
            boolean success = response.statusCode() / 100 == 2;
            int limit = success ? maxResponseBytes : MAX_ERROR_BODY_BYTES;
            Buffer body = Buffer.buffer();
            response.handler(chunk -> {
                if (body.length() + chunk.length() <= limit) {
                    body.appendBuffer(chunk);
                } else if (success) {
                    // A streamed answer this large is a runaway; stop paying for it.
                    inFlight.detach(sent);
                    fail(new IllegalStateException("The model's answer exceeded the limit of " + maxResponseBytes
                            + " bytes and was discarded"));
                    sent.reset();
                } else if (body.length() < limit) {
                    // An error answer is only kept for its first words; the rest is read and dropped.
                    body.appendBuffer(chunk, 0, limit - body.length());
                }
            });
            response.exceptionHandler(failure -> {
                inFlight.detach(sent);
                fail(broken("the answer broke off", failure));
            });
            response.endHandler(ended -> {
                inFlight.detach(sent);
                if (success) {
                    deliver(response, body);
                } else {
                    fail(new ModelHttpException(response.statusCode(), retryAfter(response.headers()),
                            snippet(body, request)));
                }
            });
        }

        /** Hands a complete 2xx answer to LangChain4j: open, parse from memory, close. */
        private void deliver(HttpClientResponse response, Buffer body) {
            if (!settle()) {
                return;
            }
            try {
                listener.onOpen(SuccessfulHttpResponse.builder()
                        .statusCode(response.statusCode())
                        .headers(headers(response.headers()))
                        .build());
                parser.parse(new ByteArrayInputStream(body.getBytes()), listener);
            } catch (RuntimeException e) {
                listener.onError(e);
                return;
            }
            listener.onClose();
        }

        void fail(Throwable failure) {
            if (settle()) {
                listener.onError(failure);
            }
        }

        /** True for the first outcome only; a cancelled attempt has no audience left. */
        private boolean settle() {
            return settled.compareAndSet(false, true) && !inFlight.isCancelled();
        }

        ModelConnectionException broken(String what, Throwable cause) {
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new ModelConnectionException("Model server " + origin(request.url()) + ": " + what + " ("
                    + reason + ")", cause);
        }
    }

    /** Scheme, host and port only: the path and query are noise here and could carry secrets. */
    private static String origin(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }

    private static Duration retryAfter(MultiMap headers) {
        Duration millis = ModelHttpException.parseRetryAfterMillis(headers.get("retry-after-ms"));
        return millis != null ? millis : ModelHttpException.parseRetryAfter(headers.get("Retry-After"), Instant.now());
    }

    /** The start of an error answer, on one line, without credentials (redacted before cutting, so no part shows). */
    private static String snippet(Buffer body, HttpRequest request) {
        String text = withoutCredentials(body.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip(),
                request);
        return text.length() <= MAX_ERROR_BODY_CHARS ? text : text.substring(0, MAX_ERROR_BODY_CHARS) + "…";
    }

    /**
     * Some servers quote the credentials they refused; the snippet ends up in task errors and logs,
     * so whatever credential this request carried is blanked out of it.
     */
    static String withoutCredentials(String text, HttpRequest request) {
        String redacted = text;
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("authorization") || name.equals("api-key") || name.equals("x-api-key")) {
                for (String value : header.getValue()) {
                    String secret = value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : value;
                    if (secret.length() >= 4) {
                        redacted = redacted.replace(secret, "***");
                    }
                }
            }
        }
        return redacted;
    }

    private static Map<String, List<String>> headers(MultiMap headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach(header -> copy.computeIfAbsent(header.getKey(), name -> new ArrayList<>())
                .add(header.getValue()));
        return copy;
    }
}
