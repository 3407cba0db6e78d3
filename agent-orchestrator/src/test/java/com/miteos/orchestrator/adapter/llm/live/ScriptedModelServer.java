package com.miteos.orchestrator.adapter.llm.live;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * What the provider tests share: a WireMock server on 127.0.0.1 that scripts the model, one
 * Vert.x with a single event loop (so a blocked loop would show), and a fresh provider per test
 * built from {@link #settings()} and {@link #pause()}.
 */
abstract class ScriptedModelServer {

    static WireMockServer server;
    static Vertx vertx;

    LiveModelProvider provider;

    /** The provider's settings for this test class, pointing at {@link #server}. */
    abstract LiveModelSettings settings();

    /** How the provider pauses between attempts: a real timer unless a test class says otherwise. */
    LiveModelProvider.Pause pause() {
        return LiveModelProvider.TIMER;
    }

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void resetServer() {
        server.resetAll();
        provider = new LiveModelProvider(vertx, settings(), pause());
    }

    @AfterEach
    void closeProvider() {
        provider.close();
    }
}
