package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Synthesis calls: {@code ModelPurpose.SYNTHESIS}, one {@code write_file} of the deliverable, then {@code finish}. */
class SandboxSynthesisTest {

    private static final Set<String> VECTOR_DATABASES = Set.of("Milvus", "Qdrant", "Weaviate", "Chroma", "pgvector",
            "FAISS", "Vespa", "LanceDB", "OpenSearch (k-NN)", "Redis (vector search)", "Elasticsearch (dense vectors)", "Marqo");
    private static final List<String> FINDINGS = List.of(
            "### researcher: Research open-source vector databases\nResearched the top 5 open-source vector databases. "
                    + "Sources:\n- Milvus — https://milvus.io/docs/overview.md: License: Apache-2.0\n"
                    + "- Internal wiki — https://wiki.example.com/vector-notes.");

    private final ScriptedOrchestrator orchestrator = ScriptedOrchestrator.withSandboxModel();

    @Test
    void writesTheDeliverableOnceThenFinishes() {
        ScriptedOrchestrator.AgentRun run = orchestrator.runSynthesis(ScriptedOrchestrator.SEED_PROMPT, FINDINGS);

        assertThat(run.toolNames()).containsExactly("write_file", "finish");
        assertThat(run.finishSummary()).isEqualTo("Wrote vector-database-comparison.md, the Markdown comparison report "
                + "on the top 5 open-source vector databases.");
    }

    @Test
    void seedPromptProducesAMarkdownComparisonTableOfFiveRealVectorDatabases() {
        orchestrator.runSynthesis(ScriptedOrchestrator.SEED_PROMPT, FINDINGS);

        assertThat(orchestrator.files()).containsOnlyKeys("vector-database-comparison.md");
        String report = orchestrator.files().get("vector-database-comparison.md");
        assertThat(report).startsWith("# Top 5 open-source vector databases: comparison report\n")
                .contains("## Summary", "## Comparison", "## Methodology", "## Sources")
                .contains("Miteos sandbox model", "offline sandbox corpus");

        assertThat(report).contains("\n| --- | --- | --- |");
        List<String> tableRows = report.lines().filter(line -> line.startsWith("| ") && !line.startsWith("| ---")).toList();
        assertThat(tableRows.get(0)).startsWith("| Database | License | Language | Index types |")
                .contains("GitHub stars (approx.)");
        List<String> databases = tableRows.subList(1, tableRows.size()).stream()
                .map(row -> row.split("\\|")[1].strip())
                .toList();
        assertThat(databases).hasSize(5).doesNotHaveDuplicates().allMatch(VECTOR_DATABASES::contains);
        assertThat(databases).containsExactlyInAnyOrder("Weaviate", "Qdrant", "pgvector", "Milvus", "Chroma");
        assertThat(report).contains("| Qdrant | Apache-2.0 | Rust |", "| Weaviate | BSD-3-Clause | Go |",
                "| pgvector | PostgreSQL License | C |");
        databases.forEach(database -> assertThat(report).contains("## " + database + "\n"));
    }

    @Test
    void sourcesListCorpusUrlsAndUrlsTheAgentsCited() {
        orchestrator.runSynthesis(ScriptedOrchestrator.SEED_PROMPT, FINDINGS);

        String report = orchestrator.files().get("vector-database-comparison.md");
        String sources = report.substring(report.indexOf("## Sources"));
        Matcher links = Pattern.compile("^\\d+\\. \\[[^]]+]\\((https://[^)]+)\\)$", Pattern.MULTILINE).matcher(sources);
        List<String> urls = links.results().map(match -> match.group(1)).toList();
        assertThat(urls).hasSizeGreaterThanOrEqualTo(5).doesNotHaveDuplicates()
                .contains("https://milvus.io/docs/overview.md", "https://qdrant.tech/documentation/overview/",
                        "https://wiki.example.com/vector-notes");
    }

    @Test
    void csvPromptProducesACsvWithAHeaderAndConsistentColumns() {
        orchestrator.runSynthesis("Compare Apache Kafka, RabbitMQ and Pulsar for event streaming and export the comparison as CSV.",
                List.of());

        String name = orchestrator.files().keySet().iterator().next();
        assertThat(name).isEqualTo("apache-kafka-rabbitmq-pulsar-event-comparison.csv");
        List<List<String>> rows = CsvReader.read(orchestrator.files().get(name));
        assertThat(rows.get(0)).containsExactly("Broker", "License", "Language", "Model", "First release", "Best for", "Source");
        assertThat(rows).hasSize(4).allSatisfy(row -> assertThat(row).hasSize(7));
        assertThat(rows.subList(1, 4)).extracting(row -> row.get(0))
                .containsExactlyInAnyOrder("Apache Kafka", "RabbitMQ", "Apache Pulsar");
        assertThat(rows.subList(1, 4)).allSatisfy(row -> assertThat(row.get(6)).startsWith("https://"));
    }

    @Test
    void landingPagePromptProducesACompleteHtmlPage() {
        orchestrator.runSynthesis("Build a responsive landing page for project Apex.", List.of());

        assertThat(orchestrator.files()).containsOnlyKeys("project-apex-landing-page.html");
        String html = orchestrator.files().get("project-apex-landing-page.html");
        assertThat(html).startsWith("<!DOCTYPE html>\n<html lang=\"en\">")
                .contains("<meta name=\"viewport\"", "<title>Project Apex</title>", "<h1>Project Apex</h1>",
                        "class=\"cta\"", "<footer>", "https://web.dev/articles/vitals")
                .endsWith("</html>\n");
        assertThat(count(html, "<section")).isEqualTo(count(html, "</section>"));
        assertThat(count(html, "<article")).isEqualTo(count(html, "</article>"));
    }

    @Test
    void htmlReportEscapesTextAndHasAComparisonTable() {
        orchestrator.runSynthesis("Write an HTML report comparing web frameworks", List.of());

        String html = orchestrator.files().values().iterator().next();
        assertThat(html).contains("<table>", "<th scope=\"row\">Django</th>", "task&#39;s agents")
                .doesNotContain("task's agents");
    }

    @Test
    void jsonPromptProducesParsableJsonWithItemsAndSources() throws Exception {
        orchestrator.runSynthesis("List the main web frameworks as JSON.", List.of());

        assertThat(orchestrator.files()).containsOnlyKeys("web-framework-data.json");
        JsonNode json = new ObjectMapper().readTree(orchestrator.files().get("web-framework-data.json"));
        assertThat(json.path("title").asText()).isEqualTo("Web frameworks: dataset");
        assertThat(json.path("items")).hasSize(5);
        assertThat(json.path("items").get(0).path("facts").path("License").asText()).isNotBlank();
        assertThat(json.path("sources").get(0).path("url").asText()).startsWith("https://");
        assertThat(json.path("generated_by").asText()).isEqualTo("miteos-sandbox-1");
    }

    @Test
    void codePromptProducesAPythonScriptWithTheDataEmbedded() {
        orchestrator.runSynthesis("Write a Python script that compares programming languages for systems work.", List.of());

        assertThat(orchestrator.files()).containsOnlyKeys("programming_languages_systems_work.py");
        String script = orchestrator.files().get("programming_languages_systems_work.py");
        assertThat(script).startsWith("#!/usr/bin/env python3\n\"\"\"")
                .contains("COLUMNS = [\"Language\", \"License\"", "[\"Rust\", \"MIT or Apache-2.0\"",
                        "def main(argv):", "if __name__ == \"__main__\":");
    }

    @Test
    void subjectTheCorpusKnowsNothingAboutStillGivesAStructuredOutline() {
        orchestrator.runSynthesis("Write a haiku about autumn leaves.", List.of());

        String report = orchestrator.files().get("haiku-autumn-leave-report.md");
        assertThat(report).startsWith("# Haiku about autumn leaves: research report")
                .contains("holds nothing on haiku about autumn leaves", "## Open questions", "## Methodology")
                .doesNotContain("Express", "| --- |");
    }

    @Test
    void htmlOnASubjectTheCorpusKnowsNothingAboutListsOpenQuestionsWhereTheCallToActionLeads() {
        orchestrator.runSynthesis("Write an HTML report on haiku about autumn leaves", List.of());

        String html = orchestrator.files().values().iterator().next();
        assertThat(html).contains("href=\"#highlights\"", "<section id=\"highlights\">\n<h2>Open questions</h2>",
                "<li>Which sources should a live run consult?</li>");
    }

    @Test
    void explicitCountSelectsThatManyEntities() {
        orchestrator.runSynthesis("Research the top 3 open-source vector databases as JSON", List.of());

        String json = orchestrator.files().values().iterator().next();
        assertThat(count(json, "\"category\" : \"vector-database\"")).isEqualTo(3);
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
