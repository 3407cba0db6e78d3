package com.miteos.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal {@code text/event-stream} reader for tests: it reads a stream until the server ends it
 * or until a given number of bytes, then hangs up (anywhere, in the middle of an event too), and
 * keeps only the events it received whole, as an EventSource would.
 */
public final class SseClient {

    public record Event(long id, String type, String data) {
    }

    public record Read(int status, String contentType, String cacheControl, List<Event> events, List<String> comments,
            boolean endedByServer, String body) {

        public long lastId(long otherwise) {
            return events.isEmpty() ? otherwise : events.get(events.size() - 1).id();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SseClient() {
    }

    /**
     * Reads {@code url}, sending {@code lastEventId} when not null, until the server ends the
     * response or {@code maxBytes} (negative: no limit) of its body are read.
     */
    public static Read read(String url, String token, String lastEventId, int maxBytes) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        StringBuilder text = new StringBuilder();
        boolean ended = false;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[maxBytes < 0 ? 8192 : Math.max(1, Math.min(8192, maxBytes))];
            int total = 0;
            while (maxBytes < 0 || total < maxBytes) {
                int want = maxBytes < 0 ? buffer.length : Math.min(buffer.length, maxBytes - total);
                int n = body.read(buffer, 0, want);
                if (n < 0) {
                    ended = true;
                    break;
                }
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                total += n;
            }
        }
        return parse(response, text.toString(), ended);
    }

    private static Read parse(HttpResponse<?> response, String text, boolean ended) {
        List<Event> events = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = text.indexOf("\n\n", start)) >= 0) {
            String block = text.substring(start, end);
            start = end + 2;
            Long id = null;
            String type = "message";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (id != null) {
                events.add(new Event(id, type, data.toString()));
            }
        }
        return new Read(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Cache-Control").orElse(""), events, comments, ended, text);
    }
}
