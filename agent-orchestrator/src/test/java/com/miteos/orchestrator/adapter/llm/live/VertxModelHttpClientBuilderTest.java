package com.miteos.orchestrator.adapter.llm.live;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The builder LangChain4j gets: it keeps Miteos' timeouts. */
class VertxModelHttpClientBuilderTest {

    @Test
    void builderKeepsItsTimeoutsWhateverLangChain4jSets() {
        VertxModelHttpClientBuilder builder = new VertxModelHttpClientBuilder(null,
                Duration.ofSeconds(3), Duration.ofSeconds(90), 1024);

        builder.connectTimeout(Duration.ofSeconds(15)).readTimeout(Duration.ofSeconds(60));

        assertThat(builder.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(builder.readTimeout()).isEqualTo(Duration.ofSeconds(90));
    }
}
