package com.miteos.orchestrator.port.llm;

import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.port.search.SearchProvider;

/**
 * Chooses the model and search provider for a task's mode: sandbox tasks get the deterministic
 * sandbox model and the offline corpus; live tasks get the configured real ones.
 */
public interface ModeProviders {

    /**
     * The model for a task of this mode and config, or one whose every call fails with code
     * {@code model_not_configured}. A sandbox task's model is bound to the task's settings (its
     * max agents and sandbox outcome); a live model ignores the config.
     */
    ModelProvider model(Mode mode, TaskConfig config);

    /** The search provider for this mode, or null when none is configured. */
    SearchProvider search(Mode mode);
}
