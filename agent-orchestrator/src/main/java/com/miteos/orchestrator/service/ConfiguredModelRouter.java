package com.miteos.orchestrator.service;

import com.miteos.model.task.Mode;
import com.miteos.orchestrator.model.ModelProvider;
import com.miteos.orchestrator.model.ModelRouter;
import com.miteos.orchestrator.model.UnconfiguredModel;
import com.miteos.orchestrator.sandbox.SandboxCorpus;
import com.miteos.orchestrator.sandbox.SandboxModel;
import com.miteos.orchestrator.sandbox.SandboxSearchProvider;
import com.miteos.orchestrator.tool.SearchProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.tool.search.SearchProviders;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sandbox tasks run on the deterministic sandbox model and the bundled offline corpus. Live
 * tasks get the configured search provider, and need a real model, which this build does not
 * configure yet: they fail promptly with {@code model_not_configured} rather than hang.
 */
@ApplicationScoped
public class ConfiguredModelRouter implements ModelRouter {

    private final ModelProvider sandboxModel;
    private final SearchProvider sandboxSearch;
    private final ModelProvider liveModel = new UnconfiguredModel();
    private final SearchProvider liveSearch;

    public ConfiguredModelRouter(OrchestratorConfig config, ObjectMapper json) {
        SandboxCorpus corpus = SandboxCorpus.bundled();
        this.sandboxModel = new SandboxModel(corpus);
        this.sandboxSearch = new SandboxSearchProvider(corpus);
        this.liveSearch = SearchProviders.fromConfig(config.search(), json);
    }

    @Override
    public ModelProvider model(Mode mode) {
        return mode == Mode.TEST ? sandboxModel : liveModel;
    }

    @Override
    public SearchProvider search(Mode mode) {
        return mode == Mode.TEST ? sandboxSearch : liveSearch;
    }
}
