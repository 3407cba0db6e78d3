package com.miteos.orchestrator.port.llm;

/** Why the orchestrator calls a model; a provider may use a different model per purpose. */
public enum ModelPurpose {
    /** Split the prompt into work items, answered as JSON text (see {@code Plan}). */
    PLAN,
    /** One step of an agent's tool-calling loop. */
    AGENT_STEP,
    /** Turn the agents' findings into the final deliverable, through {@code write_file}. */
    SYNTHESIS
}
