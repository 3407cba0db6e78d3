package com.miteos.orchestrator.adapter.llm.live;

import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
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
            VertxModelHttpClient client = new VertxModelHttpClient(vertx.createHttpClient(), new InFlightRequest(),
                    Duration.ofSeconds(1), 1024);

            assertThatThrownBy(() -> client.execute(REQUEST)).isInstanceOf(UnsupportedOperationException.class);
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
