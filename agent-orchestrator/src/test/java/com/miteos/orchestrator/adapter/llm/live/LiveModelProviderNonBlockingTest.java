package com.miteos.orchestrator.adapter.llm.live;

import com.miteos.orchestrator.port.llm.ModelCallException;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * That waiting on the model costs no thread, and that a cancelled call lets go of its request.
 *
 * <p>The server here is a Vert.x server on its own single event loop rather than WireMock: it
 * holds requests without holding a thread, adds no threads while the test counts them, and can
 * see the moment a client closes its connection.
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

    /**
     * The server holds every request until all fifty have arrived, so the calls provably wait at
     * the same time (a pool of a few threads blocking per call would never get there). At that
     * moment no thread may be parked inside the provider or LangChain4j, and the threads started
     * since the calls began are counted, not the JVM's peak: other tests share this JVM.
     */
    @Test
    void fiftyConcurrentCallsWaitTogetherAndNoThreadWaitsForThem() throws Exception {
        int calls = 50;
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> allHeld = new CompletableFuture<>();
        AtomicBoolean holding = new AtomicBoolean();
        serve(request -> {
            if (!holding.get()) {
                answer(request);
            } else if (held.add(request) && held.size() == calls) {
                allHeld.complete(null);
            }
        });
        provider = provider(Duration.ofSeconds(60));
        // The first call creates whatever a first call creates (event loop, connection pool).
        provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);
        holding.set(true);
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        List<CompletableFuture<ChatResponse>> pending = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            pending.add(provider.chat(ModelCalls.agentStep()).subscribeAsCompletionStage());
        }
        allHeld.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(threadsInsideTheProvider()).isEmpty());
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        // A thread per waiting call would be fifty; the margin is for whatever else this JVM runs.
        assertThat(started).as("threads started while fifty calls wait").hasSizeLessThan(15);
        serverVertx.runOnContext(nothing -> held.forEach(LiveModelProviderNonBlockingTest::answer));
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(pending).allSatisfy(call -> assertThat(call.join().aiMessage().text()).isEqualTo("Hi."));
    }

    /** Threads with a frame of the provider's classes or of LangChain4j on their stack. */
    private static List<String> threadsInsideTheProvider() {
        List<String> classes = List.of(LiveModelProvider.class.getName(), VertxModelHttpClient.class.getName(),
                InFlightRequest.class.getName());
        List<String> inside = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (Arrays.stream(stack).map(StackTraceElement::getClassName).anyMatch(name -> name.startsWith("dev.langchain4j.")
                    || classes.stream().anyMatch(c -> name.equals(c) || name.startsWith(c + "$")))) {
                inside.add(thread.getName());
            }
        });
        return inside;
    }

    @Test
    void callsBeyondTheConnectionLimitWaitForAFreeConnectionRatherThanFail() throws Exception {
        serve(request -> serverVertx.setTimer(600, timer -> answer(request)));
        // One connection, three calls of 0.6 s each, a connect timeout shorter than the wait for the connection.
        provider = new LiveModelProvider(clientVertx, TestModelSettings.at(baseUrl(), "sk-test", "gpt-test")
                .timeouts(Duration.ofMillis(500), Duration.ofSeconds(30)).maxAttempts(1).maxConnections(1).build());

        List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(provider.chat(ModelCalls.agentStep()).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(calls).allSatisfy(call -> assertThat(call.join().aiMessage().text()).isEqualTo("Hi."));
    }

    /**
     * After the cancel, a second call goes through the same provider and is answered; by then a
     * retry of the cancelled call would at least have asked for its pause (which here ends at once).
     */
    @Test
    void cancellingTheCallClosesTheConnectionOfTheRequestInFlightAndRetriesNothing() throws Exception {
        CompletableFuture<Void> received = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        AtomicInteger requests = new AtomicInteger();
        serve(request -> {
            if (requests.incrementAndGet() > 1) {
                answer(request);
                return;
            }
            // Never answer the first: the model is "thinking" until the client gives up.
            request.connection().closeHandler(nothing -> closed.complete(null));
            received.complete(null);
        });
        RecordingPause pauses = RecordingPause.immediate();
        provider = new LiveModelProvider(clientVertx, settings(Duration.ofSeconds(60)), pauses);
        AtomicReference<Object> outcome = new AtomicReference<>();

        Cancellable call = provider.chat(ModelCalls.agentStep()).subscribe().with(outcome::set, outcome::set);
        received.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        call.cancel();
        closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        ChatResponse next = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(next.aiMessage().text()).isEqualTo("Hi.");
        assertThat(outcome.get()).as("a cancelled call emits nothing").isNull();
        assertThat(pauses.asked()).as("and is not retried").isEmpty();
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void serverThatGoesSilentFailsAfterTheRequestTimeout() throws Exception {
        serve(request -> {
            // Silence: headers never come.
        });
        provider = new LiveModelProvider(clientVertx, TestModelSettings.at(baseUrl(), "sk-test", "gpt-test")
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)).maxAttempts(1).build());

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
        // One event every 250 ms for about four seconds against a 2 s timeout: the timeout measures
        // silence, not length. Only a pause of 1.75 s between two timer ticks could trip it.
        String[] events = ChatCompletionStream.from("gpt-test").content("S").content("l").content("o").content("w")
                .content(" ").content("a").content("n").content("s").content("w").content("e").content("r")
                .content(".").finish("stop").usage(5, 2).body().split("(?<=\n\n)");
        serve(request -> {
            request.response().setChunked(true).putHeader("Content-Type", ChatCompletionStream.CONTENT_TYPE);
            AtomicInteger next = new AtomicInteger();
            serverVertx.setPeriodic(250, timer -> {
                int i = next.getAndIncrement();
                if (i < events.length) {
                    request.response().write(events[i]);
                } else {
                    serverVertx.cancelTimer(timer);
                    request.response().end();
                }
            });
        });
        provider = new LiveModelProvider(clientVertx, TestModelSettings.at(baseUrl(), "sk-test", "gpt-test")
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)).maxAttempts(1).build());

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(events).hasSizeGreaterThan(12);
        assertThat(response.aiMessage().text()).isEqualTo("Slow answer.");
    }

    private LiveModelProvider provider(Duration requestTimeout) {
        return new LiveModelProvider(clientVertx, settings(requestTimeout));
    }

    private LiveModelSettings settings(Duration requestTimeout) {
        return TestModelSettings.at(baseUrl(), "sk-test", "gpt-test").timeouts(Duration.ofSeconds(10), requestTimeout)
                .build();
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
