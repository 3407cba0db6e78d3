package com.miteos.orchestrator.adapter.llm.live;

import dev.langchain4j.http.client.HttpClientBuilder;
import io.vertx.core.http.HttpClient;

import java.time.Duration;

/**
 * Builds the {@link VertxModelHttpClient} of the provider's one model. LangChain4j's OpenAI client calls
 * {@link #connectTimeout(Duration)} and {@link #readTimeout(Duration)} on whatever builder it gets,
 * with its own defaults (15 s, 60 s) unless the model's single {@code timeout} is set, which would
 * set both to the same value. Miteos configures the two separately, so this builder keeps the
 * timeouts it was created with and ignores those calls. The connect timeout is only reported: it
 * belongs to the shared Vert.x client, whose connections outlive any one call.
 */
final class VertxModelHttpClientBuilder implements HttpClientBuilder {

    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final int maxResponseBytes;

    VertxModelHttpClientBuilder(HttpClient http, Duration connectTimeout, Duration idleTimeout, int maxResponseBytes) {
        this.http = http;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Ignored: see the class comment. */
    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        return this;
    }

    @Override
    public Duration readTimeout() {
        return idleTimeout;
    }

    /** Ignored: see the class comment. */
    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        return this;
    }

    @Override
    public VertxModelHttpClient build() {
        return new VertxModelHttpClient(http, idleTimeout, maxResponseBytes);
    }
}
