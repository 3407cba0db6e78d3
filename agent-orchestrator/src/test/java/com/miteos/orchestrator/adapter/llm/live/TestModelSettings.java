package com.miteos.orchestrator.adapter.llm.live;

import java.time.Duration;

/**
 * Live model settings for the provider tests, built through {@link LiveModelSettings}' canonical
 * constructor: a server, key and model, and for everything a test does not set the values that
 * {@code application.properties} configures (timeouts left null take the record's fallbacks,
 * which are the same).
 */
final class TestModelSettings {

    /** {@code miteos.llm.max-attempts} in application.properties. */
    static final int MAX_ATTEMPTS = 4;
    /** {@code miteos.llm.max-connections} in application.properties. */
    static final int MAX_CONNECTIONS = 256;

    private final String baseUrl;
    private final String apiKey;
    private final String model;
    private String plannerModel;
    private Duration connectTimeout;
    private Duration requestTimeout;
    private int maxAttempts = MAX_ATTEMPTS;
    private Double temperature;
    private boolean plannerJsonMode = true;
    private int maxConnections = MAX_CONNECTIONS;

    private TestModelSettings(String baseUrl, String apiKey, String model) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.model = model;
    }

    /** A server, key and model, with every other setting as configured by default. */
    static LiveModelSettings of(String baseUrl, String apiKey, String model) {
        return at(baseUrl, apiKey, model).build();
    }

    /** Settings to adjust before {@link #build()}. */
    static TestModelSettings at(String baseUrl, String apiKey, String model) {
        return new TestModelSettings(baseUrl, apiKey, model);
    }

    TestModelSettings plannerModel(String name) {
        this.plannerModel = name;
        return this;
    }

    TestModelSettings timeouts(Duration connect, Duration request) {
        this.connectTimeout = connect;
        this.requestTimeout = request;
        return this;
    }

    TestModelSettings maxAttempts(int attempts) {
        this.maxAttempts = attempts;
        return this;
    }

    TestModelSettings temperature(Double value) {
        this.temperature = value;
        return this;
    }

    TestModelSettings plannerJsonMode(boolean enabled) {
        this.plannerJsonMode = enabled;
        return this;
    }

    TestModelSettings maxConnections(int connections) {
        this.maxConnections = connections;
        return this;
    }

    LiveModelSettings build() {
        return new LiveModelSettings(baseUrl, apiKey, model, plannerModel, connectTimeout, requestTimeout,
                maxAttempts, temperature, plannerJsonMode, maxConnections);
    }
}
