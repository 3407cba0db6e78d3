package com.miteos.orchestrator.adapter.llm;

import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.adapter.llm.sandbox.SandboxCorpus;
import com.miteos.orchestrator.adapter.llm.sandbox.SandboxModels;
import com.miteos.orchestrator.adapter.llm.sandbox.SandboxSearchProvider;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModeProviders;
import com.miteos.orchestrator.port.search.SearchProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.adapter.llm.live.LiveModelProvider;
import com.miteos.orchestrator.adapter.llm.live.LiveModelSettings;
import com.miteos.orchestrator.adapter.search.SearchProviders;
import com.miteos.orchestrator.config.OrchestratorConfig;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sandbox tasks run on the bundled offline corpus and a deterministic sandbox model bound to the
 * task's settings (made cheaply per task from parts built once). Live tasks get the configured
 * OpenAI-compatible model and search provider; without a model they fail promptly with
 * {@code model_not_configured} rather than hang.
 */
@ApplicationScoped
public class ConfiguredModeProviders implements ModeProviders {

    private final SandboxModels sandboxModels;
    private final SearchProvider sandboxSearch;
    private final ModelProvider liveModel;
    private final SearchProvider liveSearch;

    public ConfiguredModeProviders(OrchestratorConfig config, ObjectMapper json, Vertx vertx) {
        SandboxCorpus corpus = SandboxCorpus.bundled();
        this.sandboxModels = new SandboxModels(corpus);
        this.sandboxSearch = new SandboxSearchProvider(corpus);
        this.liveSearch = SearchProviders.fromConfig(config.search(), json);
        this.liveModel = liveModel(config.llm(), vertx);
    }

    private static ModelProvider liveModel(OrchestratorConfig.Llm llm, Vertx vertx) {
        if (llm.baseUrl().filter(url -> !url.isBlank()).isEmpty()) {
            Log.warn("no live model configured (MITEOS_LLM_BASE_URL): live tasks fail with model_not_configured");
            return new UnconfiguredModel();
        }
        LiveModelSettings settings = new LiveModelSettings(llm.baseUrl().get(), llm.apiKey().orElse(null),
                llm.model().orElse(null), llm.plannerModel().orElse(null), llm.connectTimeout(),
                llm.requestTimeout(), llm.maxAttempts(), llm.temperature().orElse(null), llm.plannerJsonMode(),
                llm.maxConnections());
        Log.infof("live model: %s at %s (planner %s)", settings.model(), settings.baseUrl(), settings.plannerModel());
        return new LiveModelProvider(vertx, settings);
    }

    @PreDestroy
    void close() {
        if (liveModel instanceof LiveModelProvider live) {
            live.close();
        }
    }

    @Override
    public ModelProvider model(Mode mode, TaskConfig config) {
        return mode == Mode.TEST ? sandboxModels.forTask(config) : liveModel;
    }

    @Override
    public SearchProvider search(Mode mode) {
        return mode == Mode.TEST ? sandboxSearch : liveSearch;
    }
}
