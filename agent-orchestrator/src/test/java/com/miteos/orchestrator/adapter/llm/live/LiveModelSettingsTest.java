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
        LiveModelSettings settings = settings("https://api.openai.com/v1", "sk-x", "gpt-4o-mini", " ", null, null);

        assertThat(settings.modelName(ModelPurpose.PLAN)).isEqualTo("gpt-4o-mini");
        assertThat(settings.modelName(ModelPurpose.AGENT_STEP)).isEqualTo("gpt-4o-mini");
    }

    @Test
    void onlyPlanningUsesThePlannerModel() {
        LiveModelSettings settings = settings("https://api.openai.com/v1", "sk-x", "gpt-4o-mini", "o3-mini", null,
                null);

        assertThat(settings.modelName(ModelPurpose.PLAN)).isEqualTo("o3-mini");
        assertThat(settings.modelName(ModelPurpose.AGENT_STEP)).isEqualTo("gpt-4o-mini");
        assertThat(settings.modelName(ModelPurpose.SYNTHESIS)).isEqualTo("gpt-4o-mini");
    }

    @Test
    void unsetTimeoutsGetTheirDefaultsAndABlankKeyIsNone() {
        LiveModelSettings settings = settings("http://ollama:11434/v1", " ", "llama3.1", null, null, null);

        assertThat(settings.connectTimeout()).isEqualTo(LiveModelSettings.DEFAULT_CONNECT_TIMEOUT);
        assertThat(settings.requestTimeout()).isEqualTo(LiveModelSettings.DEFAULT_REQUEST_TIMEOUT);
        assertThat(settings.temperature()).isNull();
        assertThat(settings.apiKey()).isNull();
    }

    @Test
    void toStringNeverShowsTheApiKey() {
        LiveModelSettings settings = settings("https://api.openai.com/v1", "sk-live-very-secret", "m", null, null, null);

        assertThat(settings.toString()).doesNotContain("sk-live-very-secret").contains("apiKey=***");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "api.openai.com/v1", "ftp://models.example/v1", "http://user:pw@models.example/v1",
            "http:///v1"})
    void baseUrlMustBeAnHttpUrlWithAHostAndNoCredentials(String baseUrl) {
        assertThatThrownBy(() -> settings(baseUrl, "k", "m", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base URL")
                .hasMessageNotContaining("pw");
    }

    @Test
    void nonsenseValuesAreRefusedAtStartUp() {
        assertThatThrownBy(() -> settings("http://m/v1", "k", " ", null, null, null))
                .hasMessageContaining("MITEOS_LLM_MODEL");
        assertThatThrownBy(() -> new LiveModelSettings("http://m/v1", "k", "m", null, null, null, 0, null, true, 1))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> settings("http://m/v1", "k", "m", null, Duration.ZERO, null))
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> new LiveModelSettings("http://m/v1", "k", "m", null, null, null, 4, 3.0, true, 1))
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> new LiveModelSettings("http://m/v1", "k", "m", null, null, null, 4, null, true, 0))
                .hasMessageContaining("maxConnections");
    }

    /** Settings that vary only in what these tests look at; the rest is valid. */
    private static LiveModelSettings settings(String baseUrl, String apiKey, String model, String plannerModel,
            Duration connectTimeout, Duration requestTimeout) {
        return new LiveModelSettings(baseUrl, apiKey, model, plannerModel, connectTimeout, requestTimeout, 4, null,
                true, 256);
    }
}
