package com.miteos.orchestrator.adapter.llm.live;

import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.sse.DefaultServerSentEventParser;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of the Vert.x HTTP client that need no server. */
class VertxModelHttpClientTest {

    private static final HttpRequest REQUEST = HttpRequest.builder()
            .method(HttpMethod.POST)
            .url("http://127.0.0.1:1/v1", "chat/completions")
            .addHeader("Authorization", "Bearer sk-proj-abcdef123456")
            .body("{}")
            .build();

    @Test
    void blockingExecuteIsRefused() {
        Vertx vertx = Vertx.vertx();
        try {
            VertxModelHttpClient client = new VertxModelHttpClient(vertx.createHttpClient(),
                    Duration.ofSeconds(1), 1024);

            assertThatThrownBy(() -> client.execute(REQUEST)).isInstanceOf(UnsupportedOperationException.class);
        } finally {
            vertx.close();
        }
    }

    /** A request sent other than through the provider's attempt could not be cancelled: refused before it is sent. */
    @Test
    void aStreamedRequestOutsideAnAttemptIsRefused() {
        Vertx vertx = Vertx.vertx();
        try {
            VertxModelHttpClient client = new VertxModelHttpClient(vertx.createHttpClient(),
                    Duration.ofSeconds(1), 1024);

            assertThatThrownBy(() -> client.execute(REQUEST, new DefaultServerSentEventParser(),
                    new ServerSentEventListener() {
                        @Override
                        public void onEvent(ServerSentEvent event) {
                        }

                        @Override
                        public void onError(Throwable error) {
                        }
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not be cancelled");
        } finally {
            vertx.close();
        }
    }

    @Test
    void credentialsTheRequestCarriedAreBlankedOutOfErrorText() {
        String echoed = "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-abcdef123456.\"}}";

        assertThat(VertxModelHttpClient.withoutCredentials(echoed, REQUEST))
                .isEqualTo("{\"error\":{\"message\":\"Incorrect API key provided: ***.\"}}");
    }
}
