package com.miteos.orchestrator.model.live;

import com.miteos.orchestrator.model.ModelCallException;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * That waiting on the model costs no thread, and that a cancelled call lets go of its request.
 *
 * <p>The server here is a Vert.x server on its own single event loop rather than WireMock: it
 * answers after a timer instead of a sleeping thread, adds no threads while the test counts them,
 * and can see the moment a client closes its connection.
 */
class LiveModelProviderNonBlockingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private Vertx serverVertx;
    private Vertx clientVertx;
    private HttpServer server;
    private LiveModelProvider provider;

    @BeforeEach
    void startVertx() {
        serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    }

    @AfterEach
    void stopVertx() throws Exception {
        if (provider != null) {
            provider.close();
        }
        clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        serverVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void fiftyConcurrentCallsOnOneEventLoopHoldNoThreadWhileWaiting() throws Exception {
        serve(request -> serverVertx.setTimer(1_000, timer -> answer(request)));
        provider = provider(Duration.ofSeconds(30));
        // The first call creates whatever a first call creates (event loop, pool); count after it.
        provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();

        long start = System.nanoTime();
        List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(provider.chat(ModelCalls.agentStep()).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(calls).allSatisfy(call -> assertThat(call.join().aiMessage().text()).isEqualTo("Hi."));
        // Waiting in parallel: one second each, not fifty in a row, nor ten rounds of a pool of five.
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        // A thread per waiting call would add fifty.
        assertThat(threads.getPeakThreadCount() - before).isLessThan(15);
    }

    @Test
    void callsBeyondTheConnectionLimitWaitForAFreeConnectionRatherThanFail() throws Exception {
        serve(request -> serverVertx.setTimer(600, timer -> answer(request)));
        // One connection, three calls of 0.6 s each, a connect timeout shorter than the wait for the connection.
        provider = new LiveModelProvider(clientVertx, new LiveModelSettings(baseUrl(), "sk-test", "gpt-test", null,
                Duration.ofMillis(500), Duration.ofSeconds(30), 1, null).withMaxConnections(1));

        List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(provider.chat(ModelCalls.agentStep()).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(calls).allSatisfy(call -> assertThat(call.join().aiMessage().text()).isEqualTo("Hi."));
    }

    @Test
    void cancellingTheCallClosesTheConnectionOfTheRequestInFlight() throws Exception {
        CompletableFuture<Void> received = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        serve(request -> {
            // Never answer: the model is "thinking" until the client gives up.
            requests.incrementAndGet();
            request.connection().closeHandler(nothing -> closed.complete(null));
            received.complete(null);
        });
        provider = provider(Duration.ofSeconds(60));
        AtomicReference<Object> outcome = new AtomicReference<>();

        Cancellable call = provider.chat(ModelCalls.agentStep()).subscribe().with(outcome::set, outcome::set);
        received.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        long cancelledAt = System.nanoTime();
        call.cancel();
        closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
        Thread.sleep(300);
        assertThat(outcome.get()).as("a cancelled call emits nothing").isNull();
        assertThat(requests.get()).as("and is not retried").isEqualTo(1);
    }

    @Test
    void serverThatGoesSilentFailsAfterTheRequestTimeout() throws Exception {
        serve(request -> {
            // Silence: headers never come.
        });
        provider = new LiveModelProvider(clientVertx, new LiveModelSettings(baseUrl(), "sk-test", "gpt-test", null,
                Duration.ofSeconds(5), Duration.ofSeconds(1), 1, null));

        long start = System.nanoTime();
        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_unavailable");
                    assertThat(e.getCause()).isInstanceOf(ModelConnectionException.class);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
                Duration.ofSeconds(15));
    }

    @Test
    void streamThatKeepsSendingOutlivesTheRequestTimeout() {
        // Chunks every 400 ms for 2 s against a 1 s timeout: the timeout measures silence, not length.
        serve(request -> {
            request.response().setChunked(true).putHeader("Content-Type", ChatCompletionStream.CONTENT_TYPE);
            String[] events = ChatCompletionStream.answer("gpt-test", "Slow", " answer.", 5, 2).split("(?<=\n\n)");
            AtomicInteger next = new AtomicInteger();
            serverVertx.setPeriodic(400, timer -> {
                int i = next.getAndIncrement();
                if (i < events.length) {
                    request.response().write(events[i]);
                } else {
                    serverVertx.cancelTimer(timer);
                    request.response().end();
                }
            });
        });
        provider = new LiveModelProvider(clientVertx, new LiveModelSettings(baseUrl(), "sk-test", "gpt-test", null,
                Duration.ofSeconds(5), Duration.ofSeconds(1), 1, null));

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().text()).isEqualTo("Slow answer.");
    }

    private LiveModelProvider provider(Duration requestTimeout) {
        return new LiveModelProvider(clientVertx, new LiveModelSettings(baseUrl(), "sk-test", "gpt-test", null,
                Duration.ofSeconds(10), requestTimeout, 4, null));
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    private void serve(Consumer<HttpServerRequest> onRequest) {
        try {
            server = serverVertx.createHttpServer()
                    .requestHandler(request -> request.body().onSuccess(body -> onRequest.accept(request)))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the scripted server did not start", e);
        }
    }

    private static void answer(HttpServerRequest request) {
        request.response()
                .putHeader("Content-Type", ChatCompletionStream.CONTENT_TYPE)
                .end(ChatCompletionStream.answer("gpt-test", "Hi", ".", 7, 2));
    }
}
