package com.miteos.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-key rate limit over HTTP, with a limit small enough to watch in a few seconds
 * (5 requests per second, bursts of 5): exactly the burst passes and the next request gets a
 * 429 problem with {@code Retry-After}; other keys are unaffected; waiting that long helps;
 * downloads count too; and at ten times the limit, what passes is the limit.
 */
@QuarkusTest
@TestProfile(RateLimitTest.FivePerSecond.class)
class RateLimitTest {

    static final int RATE = 5;
    static final int BURST = 5;
    /** A request that needs nothing but the key: a task id of the wrong shape is simply not found. */
    private static final String CHEAP_REQUEST = "/v1/tasks/task_nope";

    /** The small limit of this test, instead of the defaults (20 per second, bursts of 40). */
    public static class FivePerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.rate-limit.requests-per-second", String.valueOf(RATE),
                    "miteos.rate-limit.burst", String.valueOf(BURST));
        }
    }

    @TestHTTPResource("/")
    URI gateway;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void warmUp() throws Exception {
        // The first requests after start-up are slow (class loading, connections); a burst test
        // must not measure them.
        String token = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
        for (int i = 0; i < BURST; i++) {
            get(token, CHEAP_REQUEST);
        }
    }

    @Test
    void aKeyGetsExactlyItsBurstThenA429ProblemWithRetryAfter() throws Exception {
        String token = newTestKey();

        for (int left = BURST - 1; left >= 0; left--) {
            HttpResponse<String> accepted = get(token, CHEAP_REQUEST);
            assertThat(accepted.statusCode()).isEqualTo(404);
            assertThat(accepted.headers().firstValue("RateLimit-Limit")).hasValue(String.valueOf(BURST));
            assertThat(accepted.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(left));
        }
        HttpResponse<String> refused = get(token, CHEAP_REQUEST);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"type\":\"https://api.miteos.com/problems/rate-limited\"",
                "\"status\":429");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    }

    @Test
    void anotherKeyIsUnaffected() throws Exception {
        String exhausted = newTestKey();
        exhaust(exhausted);

        HttpResponse<String> other = get(newTestKey(), CHEAP_REQUEST);

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(BURST - 1));
        assertThat(get(exhausted, CHEAP_REQUEST).statusCode()).isEqualTo(429);
    }

    @Test
    void afterWaitingRetryAfterRequestsPassAgain() throws Exception {
        String token = newTestKey();
        HttpResponse<String> refused = exhaust(token);
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());

        TimeUnit.SECONDS.sleep(retryAfter);

        assertThat(get(token, CHEAP_REQUEST).statusCode()).isEqualTo(404);
    }

    @Test
    void downloadsCountAgainstTheSameLimit() throws Exception {
        String token = newTestKey();
        String download = "/v1/tasks/task_x/deliverables/dlvr_y/download";
        HttpResponse<String> first = get(token, download);
        assertThat(first.statusCode()).isEqualTo(404);
        assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(BURST - 1));

        exhaust(token);
        HttpResponse<String> refused = get(token, download);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("rate-limited");
    }

    @Test
    void missingKeysAre401NotRateLimited() throws Exception {
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(gateway.resolve(CHEAP_REQUEST)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("RateLimit-Limit")).isEmpty();
    }

    /**
     * Ten times the limit for about two seconds, evenly spaced: what passes must be the burst
     * plus the refill over the time it took, give or take a request.
     */
    @Test
    void atTenTimesTheLimitTheAcceptedRateIsTheLimit() throws Exception {
        String token = newTestKey();
        int offeredPerSecond = 10 * RATE;
        int requests = 2 * offeredPerSecond;
        long spacingNanos = TimeUnit.SECONDS.toNanos(1) / offeredPerSecond;
        List<Integer> statuses = new ArrayList<>();

        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long due = start + i * spacingNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            statuses.add(get(token, CHEAP_REQUEST).statusCode());
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        long accepted = statuses.stream().filter(s -> s == 404).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        double expected = BURST + RATE * seconds;
        System.out.printf("rate limit at 10x load: offered %d requests in %.2f s (%d/s against a limit of %d/s,"
                        + " burst %d): accepted %d, refused %d; limit allows %.1f%n",
                requests, seconds, offeredPerSecond, RATE, BURST, accepted, refused, expected);
        assertThat(accepted + refused).isEqualTo(requests);
        assertThat((double) accepted).isBetween(expected - 2, expected + 1);
    }

    /** Sends requests until one is refused; answers that refusal. */
    private HttpResponse<String> exhaust(String token) throws Exception {
        for (int i = 0; i < 10 * BURST; i++) {
            HttpResponse<String> response = get(token, CHEAP_REQUEST);
            if (response.statusCode() == 429) {
                return response;
            }
        }
        throw new AssertionError("the key was never refused");
    }

    private static String newTestKey() {
        return ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
    }

    private HttpResponse<String> get(String token, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(gateway.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
