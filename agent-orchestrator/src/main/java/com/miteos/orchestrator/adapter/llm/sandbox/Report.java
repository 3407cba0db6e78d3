package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content of a deliverable before it is rendered into a file format: what the sandbox
 * model "knows" about the task's subject, selected and ordered. Every renderer draws from the
 * same report, so the Markdown, HTML, CSV, JSON and Python versions always agree.
 *
 * @param brief       what the prompt asked for
 * @param summary     one paragraph answering the prompt
 * @param items       the compared entities (e.g. five vector databases), best match first
 * @param columns     the fact keys the items share, in table order
 * @param background  articles that explain the subject, not compared
 * @param sources     every page the report draws on, without duplicates
 * @param methodology how the report was produced
 */
record Report(TaskBrief brief, String summary, List<CorpusDocument> items, List<String> columns,
        List<CorpusDocument> background, List<Source> sources, String methodology) {

    /** Shown in table cells for a fact an item lacks. */
    static final String MISSING = "—";

    Report {
        items = List.copyOf(items);
        columns = List.copyOf(columns);
        background = List.copyOf(background);
        sources = List.copyOf(sources);
    }

    String title() {
        return brief.title();
    }

    /**
     * The report as one table: the items and their facts, or, when nothing is comparable,
     * the background articles and their snippets. Each row remembers its source page.
     */
    Table table() {
        if (!items.isEmpty()) {
            List<String> header = new ArrayList<>();
            header.add(itemLabel());
            header.addAll(columns);
            List<Row> rows = items.stream().map(item -> {
                List<String> cells = new ArrayList<>();
                cells.add(item.displayName());
                columns.forEach(column -> cells.add(item.facts().getOrDefault(column, MISSING)));
                return new Row(cells, item.url());
            }).toList();
            return new Table(header, rows);
        }
        return new Table(List.of("Title", "Summary"), background.stream()
                .map(article -> new Row(List.of(article.title(), article.snippet()), article.url()))
                .toList());
    }

    /**
     * What a live run should find out, when the corpus knew nothing about the subject; empty
     * otherwise. Keeps such a deliverable a useful outline rather than an empty page.
     */
    List<String> openQuestions() {
        if (!items.isEmpty() || !background.isEmpty()) {
            return List.of();
        }
        return List.of("What is " + brief.subject() + ", and who is it for?",
                "Which options exist, and how do they compare?",
                "Which sources should a live run consult?");
    }

    /** What an item is, for the first column: "Database" for the category {@code vector-database}. */
    String itemLabel() {
        if (items.isEmpty()) {
            return "Name";
        }
        String category = items.get(0).category();
        String lastWord = category.substring(category.lastIndexOf('-') + 1);
        return lastWord.isEmpty() ? "Name" : lastWord.substring(0, 1).toUpperCase(Locale.ROOT) + lastWord.substring(1);
    }

    /** A page the report cites. */
    record Source(String title, String url) {
    }

    /** A table of strings, header first; every row has as many cells as the header. */
    record Table(List<String> header, List<Row> rows) {
    }

    /** One table row and the page its values come from. */
    record Row(List<String> cells, String url) {
    }
}
