package com.miteos.orchestrator.adapter.llm.live;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.miteos.orchestrator.port.llm.ModelCallException;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which failures the provider retries (429, 5xx, broken connections), how long it waits
 * ({@code Retry-After}), which it gives up on at once (401, 400), and the codes and messages
 * of the final {@link ModelCallException}. The pauses between attempts are recorded rather than
 * waited out ({@link RecordingPause}); one test checks that the real timer does wait.
 */
class LiveModelProviderRetryTest extends ScriptedModelServer {

    private static final String PATH = "/v1/chat/completions";
    private static final String KEY = "sk-test-secret-4815162342";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final RecordingPause pauses = RecordingPause.immediate();

    @Override
    LiveModelSettings settings() {
        return TestModelSettings.of(server.baseUrl() + "/v1", KEY, "gpt-test");
    }

    @Override
    LiveModelProvider.Pause pause() {
        return pauses;
    }

    @Test
    void rateLimitWithRetryAfterIsWaitedOutThenSucceeds() {
        script(error(429).withHeader("Retry-After", "1")
                .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"), success());

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().text()).isEqualTo("Hello.");
        // The backoff before a second attempt is at most 500 ms: the server's second wins.
        assertThat(pauses.asked()).containsExactly(Duration.ofSeconds(1));
        assertThat(requests()).isEqualTo(2);
    }

    /** The production pause is a real timer: it does not let the next attempt go before the Retry-After. */
    @Test
    void theRealPauseWaitsAtLeastTheRetryAfter() {
        script(error(429).withHeader("Retry-After", "1"), success());
        provider.close();
        provider = new LiveModelProvider(vertx, settings(), LiveModelProvider.TIMER);

        long start = System.nanoTime();
        provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        // A lower bound only: a busy machine makes it later, never earlier.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void twoServerErrorsAreRetriedWithGrowingBackoffThenSucceeds() {
        script(error(503), error(503), success());

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().text()).isEqualTo("Hello.");
        assertThat(requests()).isEqualTo(3);
        assertThat(pauses.asked()).hasSize(2);
        assertThat(pauses.asked().get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(pauses.asked().get(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1_000));
    }

    @Test
    void unauthorizedFailsAtOnceWithoutLeakingTheKey() {
        // A careless server echoing the key back must not put it into the task's error message.
        script(error(401).withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));

        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_auth_failed");
                    assertThat(e.getMessage()).contains("HTTP 401").contains("Incorrect API key")
                            .doesNotContain(KEY);
                    assertThat(e.getCause()).isInstanceOf(ModelHttpException.class);
                    assertThat(e.getCause().getMessage()).as("nor in the cause, which logs print").doesNotContain(KEY);
                });
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void badRequestFailsAtOnceAsRejected() {
        script(error(400).withBody("{\"error\":{\"message\":\"Unrecognized request argument: response_format\"}}"));

        assertThatThrownBy(() -> provider.chat(ModelCalls.plan()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_request_rejected");
                    assertThat(e.getMessage()).contains("HTTP 400").contains("response_format");
                });
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void serverErrorOnEveryAttemptFailsAsUnavailableAfterMaxAttempts() {
        script(error(500).withBody("{\"error\":{\"message\":\"The server had an error\"}}"));

        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_unavailable");
                    assertThat(e.getMessage()).contains("HTTP 500").contains("4 attempts");
                    assertThat(e.getCause()).isInstanceOf(ModelHttpException.class);
                });
        assertThat(requests()).isEqualTo(TestModelSettings.MAX_ATTEMPTS);
        assertThat(pauses.asked()).hasSize(TestModelSettings.MAX_ATTEMPTS - 1);
    }

    @Test
    void rateLimitOnEveryAttemptFailsAsRateLimited() {
        provider.close();
        provider = new LiveModelProvider(vertx,
                TestModelSettings.at(server.baseUrl() + "/v1", KEY, "gpt-test").maxAttempts(2).build(), pauses);
        script(error(429).withHeader("Retry-After", "0"));

        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class,
                        e -> assertThat(e.code()).isEqualTo("model_rate_limited"));
        assertThat(requests()).isEqualTo(2);
    }

    @Test
    void refusedConnectionIsRetriedThenFailsAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        provider.close();
        provider = new LiveModelProvider(vertx,
                TestModelSettings.at("http://127.0.0.1:" + closedPort + "/v1", KEY, "gpt-test").maxAttempts(2).build(),
                pauses);

        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_unavailable");
                    assertThat(e.getMessage()).contains("http://127.0.0.1:" + closedPort).contains("could not connect")
                            .contains("2 attempts");
                    assertThat(e.getCause()).isInstanceOf(ModelConnectionException.class);
                });
    }

    /**
     * The pause here lasts until it is cancelled, so the test cancels while the provider is
     * provably inside it; the next attempt is chained after the pause, which then never ends.
     */
    @Test
    void cancellingDuringTheBackoffPauseCancelsThePauseAndSoTheNextAttempt() throws Exception {
        RecordingPause held = RecordingPause.held();
        provider.close();
        provider = new LiveModelProvider(vertx, settings(), held);
        script(error(503).withHeader("Retry-After", "2"), success());
        AtomicReference<Object> outcome = new AtomicReference<>();

        Cancellable call = provider.chat(ModelCalls.agentStep()).subscribe().with(outcome::set, outcome::set);
        held.entered().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        call.cancel();

        held.cancelled().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(held.asked()).containsExactly(Duration.ofSeconds(2));
        assertThat(requests()).isEqualTo(1);
        assertThat(outcome.get()).as("a cancelled call emits nothing").isNull();
    }

    /**
     * In the instant a pause is being subscribed, Mutiny loses a cancel: it never reaches the
     * pause. This pause holds that instant open until the test has cancelled, then ends at once;
     * the next attempt must still not go out. A marker call, sent afterwards over the same event
     * loop and answered, shows that a request queued before it would have arrived.
     */
    @Test
    void aCancelLandingJustAsThePauseStartsStillPreventsTheNextAttempt() throws Exception {
        CompletableFuture<Void> starting = new CompletableFuture<>();
        CompletableFuture<Void> cancelledByTest = new CompletableFuture<>();
        LiveModelProvider.Pause slowToStart = delay -> Uni.createFrom().voidItem().onSubscription().invoke(() -> {
            starting.complete(null);
            cancelledByTest.join();
        });
        provider.close();
        provider = new LiveModelProvider(vertx, settings(), slowToStart);
        script(error(503), success());
        server.stubFor(post(urlEqualTo("/marker/chat/completions")).willReturn(success()));
        AtomicReference<Object> outcome = new AtomicReference<>();

        Cancellable call = provider.chat(ModelCalls.agentStep()).subscribe().with(outcome::set, outcome::set);
        starting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        call.cancel();
        cancelledByTest.complete(null);
        LiveModelProvider marker = new LiveModelProvider(vertx,
                TestModelSettings.of(server.baseUrl() + "/marker", KEY, "gpt-test"));
        try {
            marker.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);
        } finally {
            marker.close();
        }

        assertThat(requests()).isEqualTo(1);
        assertThat(outcome.get()).isNull();
    }

    /** Answers the requests in this order; the last answer repeats. */
    private static void script(ResponseDefinitionBuilder... answers) {
        String state = Scenario.STARTED;
        for (int i = 0; i < answers.length; i++) {
            String next = i == answers.length - 1 ? state : "answer " + (i + 1);
            server.stubFor(post(urlEqualTo(PATH)).inScenario("retries").whenScenarioStateIs(state)
                    .willReturn(answers[i]).willSetStateTo(next));
            state = next;
        }
    }

    private static ResponseDefinitionBuilder error(int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json");
    }

    private static ResponseDefinitionBuilder success() {
        return aResponse().withStatus(200).withHeader("Content-Type", ChatCompletionStream.CONTENT_TYPE)
                .withBody(ChatCompletionStream.answer("gpt-test", "Hello", ".", 9, 2));
    }

    private static int requests() {
        List<?> requests = server.findAll(postRequestedFor(urlEqualTo(PATH)));
        return requests.size();
    }
}
