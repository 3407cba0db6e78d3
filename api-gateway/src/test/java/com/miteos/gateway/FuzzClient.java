package com.miteos.gateway;

import com.miteos.gateway.FuzzCorpus.FuzzRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends {@link FuzzRequest}s to the gateway: well-formed ones over one shared HTTP/1.1 client
 * (kept-alive connections make ten thousand requests cheap), and whatever that client refuses
 * to send (invalid URIs, control characters in headers) byte for byte over a socket.
 */
final class FuzzClient {

    /** Status 0: the server closed the connection without an answer; -1: no answer in time. */
    record Answer(int status, String body) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI gateway;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    FuzzClient(URI gateway) {
        this.gateway = gateway;
    }

    Answer send(FuzzRequest request) {
        if (request.raw() != null) {
            return sendRaw(request.raw());
        }
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(gateway.toString().replaceAll("/$", "") + request.target()))
                    .timeout(TIMEOUT)
                    .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach(h -> builder.header(h.getKey(), h.getValue()));
        } catch (IllegalArgumentException refusedByTheClient) {
            return sendRaw(asRawBytes(request));
        }
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (java.net.http.HttpTimeoutException e) {
            return new Answer(-1, "");
        } catch (IOException e) {
            return new Answer(0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private byte[] asRawBytes(FuzzRequest request) {
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

    private Answer sendRaw(byte[] request) {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            byte[] answer = readUntilClosed(socket.getInputStream());
            String text = new String(answer, StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/")) {
                return new Answer(0, text);
            }
            int status = Integer.parseInt(text.substring(9, 12));
            int bodyStart = text.indexOf("\r\n\r\n");
            return new Answer(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
        } catch (SocketTimeoutException e) {
            return new Answer(-1, "");
        } catch (IOException e) {
            return new Answer(0, "");
        }
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) != -1; ) {
                answer.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException e) {
            if (answer.size() == 0) {
                throw e;
            }
            // An answer came but the connection stayed open: what came is the answer.
        } catch (IOException reset) {
            if (answer.size() == 0) {
                throw reset;
            }
        }
        return answer.toByteArray();
    }
}
