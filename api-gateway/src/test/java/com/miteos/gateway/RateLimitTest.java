package com.miteos.gateway;

import com.miteos.gateway.repository.RateLimitBuckets;
import com.miteos.gateway.service.ApiKeyRateLimiter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-key rate limit over HTTP, with a small limit (5 requests per second, bursts of 5) on a
 * clock that only the test moves ({@link ManualRateLimitClock}): exactly the burst passes and the
 * next request gets a 429 problem with {@code Retry-After}; other keys are unaffected; the key
 * passes again exactly when its next token is due; downloads count too; and at ten times the
 * limit, what passes is exactly what the limit allows. No outcome depends on how fast the
 * machine sends the requests. The buckets are the default, shared ones in the database;
 * {@link LocalRateLimitTest} runs the same cases on buckets in memory.
 */
@QuarkusTest
@TestProfile(RateLimitTest.FivePerSecondOnAManualClock.class)
class RateLimitTest {

    static final int RATE = 5;
    static final int BURST = 5;
    /** The time one token takes to come back at {@link #RATE}. */
    static final Duration ONE_TOKEN = Duration.ofSeconds(1).dividedBy(RATE);
    /** A request that needs nothing but the key: a task id of the wrong shape is simply not found. */
    private static final String CHEAP_REQUEST = "/v1/tasks/task_nope";

    /** The small limit of this test, instead of the defaults (20 per second, bursts of 40), on the manual clock. */
    public static class FivePerSecondOnAManualClock implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.rate-limit.requests-per-second", String.valueOf(RATE),
                    "miteos.rate-limit.burst", String.valueOf(BURST));
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ManualRateLimitClock.class);
        }
    }

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    ManualRateLimitClock clock;

    @Inject
    DataSource dataSource;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
        // The next token is 200 ms away: Retry-After rounds it up to whole seconds.
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
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
    void aRefusedKeyPassesAgainExactlyWhenItsNextTokenIsDue() throws Exception {
        String token = newTestKey();
        exhaust(token);

        clock.advance(ONE_TOKEN.minusNanos(1));
        assertThat(get(token, CHEAP_REQUEST).statusCode()).as("a nanosecond before the token is due").isEqualTo(429);
        clock.advance(Duration.ofNanos(1));
        HttpResponse<String> passed = get(token, CHEAP_REQUEST);
        assertThat(passed.statusCode()).as("when the token is due").isEqualTo(404);
        assertThat(passed.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(get(token, CHEAP_REQUEST).statusCode()).as("one token came back, not two").isEqualTo(429);
    }

    @Test
    void waitingRetryAfterIsEnough() throws Exception {
        String token = newTestKey();
        long retryAfter = Long.parseLong(exhaust(token).headers().firstValue("Retry-After").orElseThrow());

        clock.advance(Duration.ofSeconds(retryAfter));

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
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("rate-limited");
    }

    /**
     * Another gateway replica on the same database takes from the bucket this one emptied: the
     * key's bucket is one for every replica ({@link LocalRateLimitTest} shows the contrary).
     */
    @Test
    void anotherReplicaTakesFromTheSameBucket() throws Exception {
        String[] key = newTestKeyWithId();
        exhaust(key[1]);

        assertThat(otherReplica().tryAcquire(key[0]).allowed()).isFalse();
    }

    @Test
    void missingKeysAre401NotRateLimited() throws Exception {
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(gateway.resolve(CHEAP_REQUEST)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("RateLimit-Limit")).isEmpty();
    }

    /**
     * Ten times the limit for two seconds of the limiter's clock, one request every 20 ms from the
     * first to the last: the burst passes at once, then one request each time a token comes back
     * (every 200 ms), so exactly the burst plus the rate times two seconds pass, and the rest are
     * 429s.
     */
    @Test
    void atTenTimesTheLimitExactlyWhatTheLimitAllowsPasses() throws Exception {
        String token = newTestKey();
        int offeredPerSecond = 10 * RATE;
        Duration spacing = Duration.ofSeconds(1).dividedBy(offeredPerSecond);
        int seconds = 2;
        int requests = seconds * offeredPerSecond + 1;
        List<Integer> accepted = new ArrayList<>();
        List<Integer> refused = new ArrayList<>();

        for (int i = 0; i < requests; i++) {
            if (i > 0) {
                clock.advance(spacing);
            }
            int status = get(token, CHEAP_REQUEST).statusCode();
            (status == 404 ? accepted : refused).add(i);
            assertThat(status).as("request %d", i).isIn(404, 429);
        }

        int allowed = BURST + RATE * seconds;
        System.out.printf("rate limit at 10x load: offered %d requests over %d s of the limiter's clock (%d/s against"
                        + " a limit of %d/s, burst %d): accepted %d, refused %d; the limit allows %d%n",
                requests, seconds, offeredPerSecond, RATE, BURST, accepted.size(), refused.size(), allowed);
        int requestsPerToken = offeredPerSecond / RATE;
        List<Integer> expected = new ArrayList<>(IntStream.range(0, BURST).boxed().toList());
        IntStream.rangeClosed(1, RATE * seconds).forEach(refill -> expected.add(refill * requestsPerToken));
        assertThat(accepted).as("the burst, then one request per refilled token").isEqualTo(expected);
        assertThat(accepted).hasSize(allowed);
        assertThat(refused).hasSize(requests - allowed);
    }

    /** Sends requests until one is refused; answers that refusal. */
    HttpResponse<String> exhaust(String token) throws Exception {
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

    /** A new test key: its id and its token. */
    static String[] newTestKeyWithId() {
        var key = given().auth().oauth2(ApiTestSupport.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"mode\":\"test\"}")
                .post("/admin/v1/accounts/{id}/keys", ApiTestSupport.newAccount())
                .then().statusCode(201).extract();
        return new String[] {key.path("id"), key.path("token")};
    }

    /** A limiter like this gateway's (same limit, same clock), as a second replica on the same database has. */
    ApiKeyRateLimiter otherReplica() {
        return new ApiKeyRateLimiter(RATE, BURST, clock, new RateLimitBuckets(dataSource, clock));
    }

    private HttpResponse<String> get(String token, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(gateway.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
