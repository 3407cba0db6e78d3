package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;

/**
 * Makes the {@link SandboxModel} of each sandbox task. The planner, agent behaviour and
 * synthesis are stateless and built once from the corpus; every task's model shares them and
 * adds only that task's settings, so making one is cheap.
 */
public final class SandboxModels {

    private final SandboxPlanner planner = new SandboxPlanner();
    private final SandboxAgentBehaviour agents;
    private final SandboxSynthesis synthesis;

    public SandboxModels(SandboxCorpus corpus) {
        ReportComposer composer = new ReportComposer(corpus);
        this.agents = new SandboxAgentBehaviour(composer);
        this.synthesis = new SandboxSynthesis(composer);
    }

    /**
     * The sandbox model of a task with these settings: its plans hold at most
     * {@code config.maxAgents()} work items, and with {@code config.sandbox.outcome = "fail"} it
     * fails as {@link SandboxModel} describes.
     */
    public SandboxModel forTask(TaskConfig config) {
        boolean fail = config.sandboxOrDefaults().outcome() == SandboxOutcome.FAIL;
        return new SandboxModel(planner, agents, synthesis, config.maxAgents(), fail);
    }
}
