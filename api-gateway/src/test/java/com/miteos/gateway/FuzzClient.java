package com.miteos.gateway;

import com.miteos.gateway.FuzzCorpus.FuzzRequest;
import com.miteos.gateway.WellFormedRequest.Verdict;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends {@link FuzzRequest}s to the gateway: well-formed ones over one shared HTTP/1.1 client
 * (kept-alive connections make ten thousand requests cheap), and whatever that client refuses
 * to send (invalid URIs, control characters in headers) byte for byte over a socket. Each answer
 * carries the request's {@link WellFormedRequest} verdict, which decides what the server may do.
 */
final class FuzzClient {

    /**
     * Status 0: the server closed the connection without an answer; -1: no answer (nor close) in
     * time. {@code retried}: first sent on a kept-alive connection that turned out closed, then
     * answered on a new one.
     */
    record Answer(int status, String body, Verdict verdict, boolean retried) {

        Answer(int status, String body, Verdict verdict) {
            this(status, body, verdict, false);
        }
    }

    /**
     * How long an answer may take before the request counts as hung: far more than any answer
     * takes even on a loaded machine, far less than for ever.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Header bytes kept free for what the HTTP client adds to a request's own headers (its Host with
     * the port, User-Agent, Content-Length): about 80 bytes, most of them also in {@link #bytesOf}.
     */
    private static final int CLIENT_HEADER_RESERVE = 128;

    private final URI gateway;
    private final HttpClient http = newClient();

    FuzzClient(URI gateway) {
        this.gateway = gateway;
    }

    Answer send(FuzzRequest request) {
        if (request.raw() != null) {
            return sendRaw(request.raw(), WellFormedRequest.of(request.raw(), 0));
        }
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(gateway.toString().replaceAll("/$", "") + request.target()))
                    .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach(h -> builder.header(h.getKey(), h.getValue()));
        } catch (IllegalArgumentException refusedByTheClient) {
            byte[] bytes = bytesOf(request);
            return sendRaw(bytes, WellFormedRequest.of(bytes, 0));
        }
        Verdict verdict = WellFormedRequest.of(bytesOf(request), CLIENT_HEADER_RESERVE);
        Answer answer = exchange(http, builder.build(), verdict);
        if (answer.status() == 0 && verdict.kind() == WellFormedRequest.Kind.WELL_FORMED) {
            // A server may close a kept-alive connection at any time (RFC 9112, 9.3 and 9.5), so a
            // pooled connection can be found closed by the time a request goes out on it. Only a
            // request that a new connection of its own does not get answered either was dropped.
            Answer again = exchange(newClient(), builder.build(), verdict);
            return again.status() == 0 ? again : new Answer(again.status(), again.body(), verdict, true);
        }
        return answer;
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    private static Answer exchange(HttpClient client, HttpRequest request, Verdict verdict) {
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request,
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            // A deadline on the whole exchange: the client's own timeout ends at the response head.
            HttpResponse<byte[]> response = exchange.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), verdict);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new Answer(-1, "", verdict);
        } catch (ExecutionException e) {
            return new Answer(0, String.valueOf(e.getCause()), verdict);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The request as bytes on the wire: as it is for a raw one; for another, what the HTTP client
     * sends give or take its own headers (Host with the port, User-Agent).
     */
    static byte[] bytesOf(FuzzRequest request) {
        if (request.raw() != null) {
            return request.raw();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.target())
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (Map.Entry<String, String> header : request.headers()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(request.body().length).append("\r\n\r\n");
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(request.body());
        return bytes.toByteArray();
    }

    /**
     * Sends bytes as they are. Those of a request whose end cannot be told (a body announced but
     * not sent, or framed so it cannot be read) are followed by the end of the connection's input
     * (a half-close): the server may wait for the rest of such a request, but not beyond that.
     */
    private Answer sendRaw(byte[] request, Verdict verdict) {
        try {
            RawHttp.Answer answer = RawHttp.exchange(new InetSocketAddress(gateway.getHost(), gateway.getPort()), null,
                    request, verdict.endUnknown(), TIMEOUT);
            return new Answer(answer.status(), answer.status() == 0 ? answer.head() : answer.body(), verdict);
        } catch (RawHttp.NoAnswerInTime e) {
            return new Answer(-1, "", verdict);
        } catch (IOException e) {
            return new Answer(0, e.toString(), verdict);
        }
    }
}
