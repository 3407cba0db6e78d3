package com.miteos.e2e.crash;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The public API as the crash test's clients call it, with one bearer token: plain HTTP/1.1
 * with a connect timeout and a per-request timeout, so that no thread hangs on a process that
 * was just killed. Transport failures surface as {@link IOException}s (a timeout is an
 * {@link java.net.http.HttpTimeoutException}); every HTTP answer, error or not, is an
 * {@link Answer}.
 */
public final class CrashApi {

    /** Floats stay exact ({@link java.math.BigDecimal}), so costs compare exactly. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PAUSE_BETWEEN_TRIES = Duration.ofSeconds(1);

    private final HttpClient http;
    private final String baseUrl;
    private final String token;

    /**
     * An HTTP answer.
     *
     * @param status     the status code
     * @param body       the JSON body, or a missing node when there is none or it is not JSON
     * @param retryAfter the {@code Retry-After} header, when present
     * @param replayed   whether the answer carries {@code Idempotent-Replayed: true}
     */
    public record Answer(int status, JsonNode body, Optional<Duration> retryAfter, boolean replayed) {

        public boolean isServerError() {
            return status >= 500;
        }

        /** The problem's {@code type} (its last path segment) or {@code title}, for diagnostics. */
        public String problem() {
            String type = body.path("type").asText("");
            return type.isEmpty() ? body.path("title").asText("") : type.substring(type.lastIndexOf('/') + 1);
        }
    }

    public CrashApi(String baseUrl, String token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code POST path} with a JSON body and, when not null, an {@code Idempotency-Key}. */
    public Answer post(String path, Object body, String idempotencyKey, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    public Answer get(String path, Duration timeout) throws IOException, InterruptedException {
        return send(request(path, timeout).GET().build());
    }

    /**
     * {@code GET path}, as often as needed until it gets a definite answer (2xx, or a 4xx other
     * than 429): a 429 is retried after its {@code Retry-After}, a 5xx, a timeout or a refused
     * connection after a second. Answers null if there was no definite answer by the deadline.
     */
    public Answer getPatiently(String path, Instant deadline) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            Duration pause = PAUSE_BETWEEN_TRIES;
            try {
                Answer answer = get(path, READ_TIMEOUT);
                if (answer.status() == 429) {
                    pause = answer.retryAfter().orElse(PAUSE_BETWEEN_TRIES);
                } else if (!answer.isServerError()) {
                    return answer;
                }
            } catch (IOException e) {
                // the process behind the port is down or restarting: ask again in a moment
            }
            Thread.sleep(pause.toMillis());
        }
        return null;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON", e);
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Optional<Duration> retryAfter = response.headers().firstValue("Retry-After").flatMap(CrashApi::seconds);
        boolean replayed = response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent();
        return new Answer(response.statusCode(), parse(response.body()), retryAfter, replayed);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(1, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
