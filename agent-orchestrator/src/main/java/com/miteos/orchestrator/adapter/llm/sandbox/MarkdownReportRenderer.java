package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.List;
import java.util.Map;

/**
 * The default deliverable: a Markdown report with a summary, a comparison table (GitHub
 * flavoured), a section per compared item with its facts, background, methodology and a
 * numbered source list.
 */
final class MarkdownReportRenderer implements ReportRenderer {

    @Override
    public String render(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(report.title()).append("\n\n");
        md.append("## Summary\n\n").append(report.summary()).append("\n\n");
        Report.Table table = report.table();
        if (!table.rows().isEmpty()) {
            md.append("## ").append(report.items().isEmpty() ? "Overview" : "Comparison").append("\n\n");
            appendTable(md, table);
        }
        for (CorpusDocument item : report.items()) {
            appendSection(md, "## ", item.displayName(), item);
        }
        if (!report.background().isEmpty()) {
            md.append("## Background\n\n");
            report.background().forEach(article -> appendSection(md, "### ", article.title(), article));
        }
        if (!report.openQuestions().isEmpty()) {
            md.append("## Open questions\n\n");
            report.openQuestions().forEach(question -> md.append("- ").append(question).append('\n'));
            md.append('\n');
        }
        md.append("## Methodology\n\n").append(report.methodology()).append("\n\n");
        md.append("## Sources\n\n");
        if (report.sources().isEmpty()) {
            md.append("No sources: the sandbox corpus had nothing on this subject.\n");
        }
        for (int i = 0; i < report.sources().size(); i++) {
            Report.Source source = report.sources().get(i);
            md.append(i + 1).append(". [").append(inline(source.title())).append("](").append(source.url()).append(")\n");
        }
        return md.toString();
    }

    private static void appendTable(StringBuilder md, Report.Table table) {
        appendRow(md, table.header());
        md.append('|').append(" --- |".repeat(table.header().size())).append('\n');
        table.rows().forEach(row -> appendRow(md, row.cells()));
        md.append('\n');
    }

    private static void appendRow(StringBuilder md, List<String> cells) {
        md.append('|');
        cells.forEach(cell -> md.append(' ').append(inline(cell).replace("|", "\\|")).append(" |"));
        md.append('\n');
    }

    private static void appendSection(StringBuilder md, String level, String heading, CorpusDocument document) {
        md.append(level).append(inline(heading)).append("\n\n").append(document.body()).append("\n\n");
        for (Map.Entry<String, String> fact : document.facts().entrySet()) {
            md.append("- **").append(inline(fact.getKey())).append(":** ").append(inline(fact.getValue())).append('\n');
        }
        if (!document.facts().isEmpty()) {
            md.append('\n');
        }
        md.append("Source: [").append(inline(document.title())).append("](").append(document.url()).append(")\n\n");
    }

    /** Keeps a value on one line, so it cannot break a table row or a list item. */
    private static String inline(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
