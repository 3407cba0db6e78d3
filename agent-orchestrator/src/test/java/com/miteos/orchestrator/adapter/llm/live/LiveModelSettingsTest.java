package com.miteos.orchestrator.adapter.llm.live;

import com.miteos.orchestrator.port.llm.ModelPurpose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live model's settings: defaults, the planner model, validation, and a key that never prints. */
class LiveModelSettingsTest {

    @Test
    void plannerModelDefaultsToTheAgentModel() {
        LiveModelSettings settings = new LiveModelSettings("https://api.openai.com/v1", "sk-x", "gpt-4o-mini", " ",
                null, null, 4, null);

        assertThat(settings.modelName(ModelPurpose.PLAN)).isEqualTo("gpt-4o-mini");
        assertThat(settings.modelName(ModelPurpose.AGENT_STEP)).isEqualTo("gpt-4o-mini");
    }

    @Test
    void onlyPlanningUsesThePlannerModel() {
        LiveModelSettings settings = new LiveModelSettings("https://api.openai.com/v1", "sk-x", "gpt-4o-mini",
                "o3-mini", null, null, 4, null);

        assertThat(settings.modelName(ModelPurpose.PLAN)).isEqualTo("o3-mini");
        assertThat(settings.modelName(ModelPurpose.AGENT_STEP)).isEqualTo("gpt-4o-mini");
        assertThat(settings.modelName(ModelPurpose.SYNTHESIS)).isEqualTo("gpt-4o-mini");
    }

    @Test
    void unsetValuesGetTheirDefaults() {
        LiveModelSettings settings = LiveModelSettings.of("http://ollama:11434/v1", null, "llama3.1");

        assertThat(settings.connectTimeout()).isEqualTo(LiveModelSettings.DEFAULT_CONNECT_TIMEOUT);
        assertThat(settings.requestTimeout()).isEqualTo(LiveModelSettings.DEFAULT_REQUEST_TIMEOUT);
        assertThat(settings.maxAttempts()).isEqualTo(4);
        assertThat(settings.temperature()).isNull();
        assertThat(settings.plannerJsonMode()).isTrue();
        assertThat(settings.maxConnections()).isEqualTo(LiveModelSettings.DEFAULT_MAX_CONNECTIONS);
        assertThat(settings.apiKey()).isNull();
    }

    @Test
    void toStringNeverShowsTheApiKey() {
        LiveModelSettings settings = LiveModelSettings.of("https://api.openai.com/v1", "sk-live-very-secret", "m");

        assertThat(settings.toString()).doesNotContain("sk-live-very-secret").contains("apiKey=***");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "api.openai.com/v1", "ftp://models.example/v1", "http://user:pw@models.example/v1",
            "http:///v1"})
    void baseUrlMustBeAnHttpUrlWithAHostAndNoCredentials(String baseUrl) {
        assertThatThrownBy(() -> LiveModelSettings.of(baseUrl, "k", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base URL")
                .hasMessageNotContaining("pw");
    }

    @Test
    void nonsenseValuesAreRefusedAtStartUp() {
        assertThatThrownBy(() -> LiveModelSettings.of("http://m/v1", "k", " "))
                .hasMessageContaining("MITEOS_LLM_MODEL");
        assertThatThrownBy(() -> LiveModelSettings.of("http://m/v1", "k", "m").withMaxAttempts(0))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new LiveModelSettings("http://m/v1", "k", "m", null, Duration.ZERO, null, 4, null))
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> new LiveModelSettings("http://m/v1", "k", "m", null, null, null, 4, 3.0))
                .hasMessageContaining("temperature");
    }
}
