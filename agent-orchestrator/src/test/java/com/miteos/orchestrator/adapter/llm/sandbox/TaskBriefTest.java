package com.miteos.orchestrator.adapter.llm.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TaskBriefTest {

    @Test
    void seedPromptAsksForAMarkdownComparisonOfTheTopFiveVectorDatabases() {
        TaskBrief brief = TaskBrief.of(ScriptedOrchestrator.SEED_PROMPT);

        assertThat(brief.subject()).isEqualTo("open-source vector databases");
        assertThat(brief.count()).isEqualTo(5);
        assertThat(brief.countExplicit()).isTrue();
        assertThat(brief.kind()).isEqualTo(TaskBrief.Kind.COMPARISON);
        assertThat(brief.format()).isEqualTo(DeliverableFormat.MARKDOWN);
        assertThat(brief.fileName()).isEqualTo("vector-database-comparison.md");
        assertThat(brief.title()).isEqualTo("Top 5 open-source vector databases: comparison report");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.|MARKDOWN",
            "Compare Kafka and RabbitMQ and export the result as CSV|CSV",
            "Put the web frameworks in a spreadsheet|CSV",
            "Build a responsive landing page for project Apex.|HTML",
            "Make a web page about Rust|HTML",
            "Write an HTML report on PostgreSQL|HTML",
            "List the main web frameworks as JSON|JSON",
            "Write a Python script that compares programming languages|PYTHON",
            "Write code that prints the top 3 databases|PYTHON",
            "Summarise best practices for reducing cloud cost|MARKDOWN",
            "Write a landing page for our JSON API in Markdown|MARKDOWN"})
    void formatComesFromThePromptWithMarkdownAsDefault(String prompt, DeliverableFormat expected) {
        assertThat(TaskBrief.of(prompt).format()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Compare Apache Kafka, RabbitMQ and Pulsar for event streaming and export the comparison as CSV.|Apache Kafka, RabbitMQ and Pulsar for event streaming",
            "Build a responsive landing page for project Apex.|project Apex",
            "List the main web frameworks as JSON.|web frameworks",
            "Write a Python script that compares programming languages for systems work.|programming languages for systems work",
            "Write a comparison report of message brokers in Markdown|message brokers",
            "Find the best 3 relational databases|relational databases"})
    void subjectIsWhatThePromptIsAbout(String prompt, String subject) {
        assertThat(TaskBrief.of(prompt).subject()).isEqualTo(subject);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Research the top 3 vector databases|3|true",
            "Compare the top three web frameworks|3|true",
            "Find the best 2 message brokers|2|true",
            "Describe 7 popular programming languages|7|true",
            "Research the top 50 databases|10|true",
            "Research vector databases|5|false"})
    void countComesFromTopNAndIsCappedAtTen(String prompt, int count, boolean explicit) {
        TaskBrief brief = TaskBrief.of(prompt);

        assertThat(brief.count()).isEqualTo(count);
        assertThat(brief.countExplicit()).isEqualTo(explicit);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Build a responsive landing page for project Apex.|project-apex-landing-page.html",
            "List the main web frameworks as JSON.|web-framework-data.json",
            "Write a Python script that compares programming languages for systems work.|programming_languages_systems_work.py",
            "Compare Kafka and RabbitMQ as CSV|kafka-rabbitmq-comparison.csv",
            "Summarise best practices for reducing cloud cost|practices-reducing-cloud-cost-report.md"})
    void fileNameIsASlugOfTheSubjectWithTheKindAndExtension(String prompt, String fileName) {
        assertThat(TaskBrief.of(prompt).fileName()).isEqualTo(fileName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "?", "Hello", "🦄🦄🦄", "and and and", "Write"})
    void oddPromptsStillGiveAUsableBrief(String prompt) {
        TaskBrief brief = TaskBrief.of(prompt);

        assertThat(brief.subject()).isNotBlank();
        assertThat(brief.fileName()).matches("[\\p{L}\\p{N}_-]+\\.md");
        assertThat(brief.title()).isNotBlank();
    }

    @Test
    void veryLongPromptsAreReadFromTheirStart() {
        TaskBrief brief = TaskBrief.of("Research the top 4 vector databases. " + "Be thorough and precise. ".repeat(2_000)
                + "Deliver JSON.");

        assertThat(brief.subject()).isEqualTo("vector databases");
        assertThat(brief.count()).isEqualTo(4);
        assertThat(brief.format()).isEqualTo(DeliverableFormat.JSON);
    }
}
