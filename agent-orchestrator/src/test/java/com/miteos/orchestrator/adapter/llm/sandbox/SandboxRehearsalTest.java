package com.miteos.orchestrator.adapter.llm.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up's made-up task goes through all the sandbox model does in a real run, plan to
 * written deliverables (else it leaves part of that code cold), exactly as the seed task does.
 */
class SandboxRehearsalTest {

    @Test
    void aRehearsalPlansRunsEveryAgentAndWritesTheDeliverablesOfTheSeedTask() {
        SandboxRehearsal.Played played = new SandboxRehearsal(SandboxCorpus.bundled()).play();

        ScriptedOrchestrator seed = ScriptedOrchestrator.withSandboxModel();
        seed.runTask(SandboxRehearsal.PROMPT, 3);
        assertThat(played.files()).containsExactlyElementsOf(seed.files().keySet());
        assertThat(played.calls()).isGreaterThan(5);
    }
}
