package com.miteos.orchestrator.adapter.llm.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole sandbox pipeline, planner to synthesis, as the orchestrator drives it. */
class SandboxPipelineTest {

    @Test
    void seedTaskWithThreeAgentsDeliversTheDataFileAndTheMarkdownReport() {
        ScriptedOrchestrator orchestrator = ScriptedOrchestrator.withSandboxModel();

        ScriptedOrchestrator.AgentRun synthesis = orchestrator.runTask(ScriptedOrchestrator.SEED_PROMPT, 3);

        assertThat(orchestrator.files()).containsOnlyKeys("vector-database-data.csv", "vector-database-comparison.md");
        assertThat(orchestrator.files().get("vector-database-comparison.md"))
                .contains("| Milvus |", "| Qdrant |", "| Weaviate |", "| Chroma |", "| pgvector |");
        assertThat(synthesis.toolNames()).containsExactly("write_file", "finish");
    }

    @Test
    void sameTaskTwiceProducesByteIdenticalDeliverables() {
        ScriptedOrchestrator first = ScriptedOrchestrator.withSandboxModel();
        ScriptedOrchestrator second = ScriptedOrchestrator.withSandboxModel();

        first.runTask(ScriptedOrchestrator.SEED_PROMPT, 5);
        second.runTask(ScriptedOrchestrator.SEED_PROMPT, 5);

        assertThat(second.files()).isEqualTo(first.files());
    }

    @Test
    void landingPageTaskDeliversTheBuildersPageAndTheFinalPage() {
        ScriptedOrchestrator orchestrator = ScriptedOrchestrator.withSandboxModel();

        orchestrator.runTask("Build a responsive landing page for project Apex.", 3);

        assertThat(orchestrator.files()).containsOnlyKeys("index.html", "project-apex-landing-page.html");
    }
}
