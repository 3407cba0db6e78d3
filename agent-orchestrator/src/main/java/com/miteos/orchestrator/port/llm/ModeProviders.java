package com.miteos.orchestrator.port.llm;

import com.miteos.model.task.Mode;
import com.miteos.orchestrator.port.search.SearchProvider;

/**
 * Chooses the model and search provider for a task's mode: sandbox tasks get the deterministic
 * sandbox model and the offline corpus; live tasks get the configured real ones.
 */
public interface ModeProviders {

    /** The model for this mode, or a failed call with code {@code model_not_configured}. */
    ModelProvider model(Mode mode);

    /** The search provider for this mode, or null when none is configured. */
    SearchProvider search(Mode mode);
}
