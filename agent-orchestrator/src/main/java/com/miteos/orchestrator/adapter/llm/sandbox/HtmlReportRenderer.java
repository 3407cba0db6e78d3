package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.List;

/**
 * The report as a self-contained, responsive HTML page (inline CSS, no scripts, no external
 * assets): a hero with the title, summary and one call to action, a card per item, the
 * comparison table, background, methodology and sources. Landing-page prompts get the same
 * layout with landing-page wording; semantic landmarks keep it accessible.
 */
final class HtmlReportRenderer implements ReportRenderer {

    private static final String STYLE = """
                :root { --ink: #1d2433; --muted: #5b6478; --accent: #3b5bdb; --line: #e3e7ef; }
                * { box-sizing: border-box; }
                body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
                header.hero { padding: 4rem 1.5rem 3rem; background: linear-gradient(135deg, #eef2ff, #f8fafc); }
                header.hero > * { max-width: 60rem; margin-left: auto; margin-right: auto; }
                h1 { font-size: clamp(2rem, 5vw, 3rem); line-height: 1.15; margin-top: 0; }
                .lead { font-size: 1.15rem; color: var(--muted); }
                .cta { display: inline-block; margin-top: 1rem; padding: .75rem 1.5rem; border-radius: .5rem;
                       background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
                main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1.5rem; }
                section { padding: 2rem 0; border-bottom: 1px solid var(--line); }
                .cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
                .card { border: 1px solid var(--line); border-radius: .75rem; padding: 1.25rem; }
                .card h3 { margin-top: 0; }
                .table-wrap { overflow-x: auto; }
                table { border-collapse: collapse; width: 100%; font-size: .9rem; }
                th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
                th { background: #f4f6fb; }
                footer { padding-bottom: 3rem; color: var(--muted); }
            """;

    @Override
    public String render(Report report) {
        boolean landingPage = report.brief().kind() == TaskBrief.Kind.LANDING_PAGE;
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(report.title())).append("</title>\n")
                .append("<meta name=\"description\" content=\"").append(escape(firstSentence(report.summary())))
                .append("\">\n<meta name=\"generator\" content=\"").append(SandboxModel.MODEL_NAME).append("\">\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<header class=\"hero\">\n<h1>").append(escape(report.title())).append("</h1>\n")
                .append("<p class=\"lead\">").append(escape(report.summary())).append("</p>\n")
                .append("<p><a class=\"cta\" href=\"#highlights\">")
                .append(landingPage ? "Get started" : "Read the findings").append("</a></p>\n</header>\n<main>\n");
        appendHighlights(html, report, landingPage);
        appendTable(html, report);
        if (!report.background().isEmpty() && !report.items().isEmpty()) {
            appendCards(html, "background", landingPage ? "Built on proven practice" : "Background",
                    report.background());
        }
        html.append("<section id=\"methodology\">\n<h2>Methodology</h2>\n<p>").append(escape(report.methodology()))
                .append("</p>\n</section>\n</main>\n");
        html.append("<footer>\n<h2>Sources</h2>\n<ol>\n");
        report.sources().forEach(source -> html.append("<li><a href=\"").append(escape(source.url())).append("\">")
                .append(escape(source.title())).append("</a></li>\n"));
        html.append("</ol>\n</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    /**
     * The first section, where the call to action leads: a card per item; without items, the
     * background, a landing page's value points, or the open questions.
     */
    private static void appendHighlights(StringBuilder html, Report report, boolean landingPage) {
        if (!report.items().isEmpty()) {
            appendCards(html, "highlights", landingPage ? "What you get" : "At a glance", report.items());
            return;
        }
        if (!landingPage && !report.background().isEmpty()) {
            appendCards(html, "highlights", "At a glance", report.background());
            return;
        }
        if (!landingPage) {
            html.append("<section id=\"highlights\">\n<h2>Open questions</h2>\n<ul>\n");
            report.openQuestions().forEach(question -> html.append("<li>").append(escape(question)).append("</li>\n"));
            html.append("</ul>\n</section>\n");
            return;
        }
        String subject = report.brief().headline();
        openCards(html, "highlights", "Why " + subject);
        appendCard(html, "One clear promise",
                List.of("See in seconds what " + subject + " does and who it is for, in plain words."), null);
        appendCard(html, "Up and running fast",
                List.of("A short path from the first visit to the first result, with every step shown on this page."),
                null);
        appendCard(html, "Built to be trusted",
                List.of("Fast, accessible and honest: no dark patterns, and one call to action."), null);
        closeCards(html);
        if (!report.background().isEmpty()) {
            appendCards(html, "background", "Built on proven practice", report.background());
        }
    }

    private static void appendCards(StringBuilder html, String id, String heading, List<CorpusDocument> documents) {
        openCards(html, id, heading);
        for (CorpusDocument document : documents) {
            String bestFor = document.facts().get("Best for");
            List<String> paragraphs = bestFor == null
                    ? List.of(document.snippet())
                    : List.of(document.snippet(), "Best for: " + bestFor);
            appendCard(html, document.displayName(), paragraphs, document.url());
        }
        closeCards(html);
    }

    private static void openCards(StringBuilder html, String id, String heading) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(escape(heading))
                .append("</h2>\n<div class=\"cards\">\n");
    }

    private static void closeCards(StringBuilder html) {
        html.append("</div>\n</section>\n");
    }

    private static void appendCard(StringBuilder html, String title, List<String> paragraphs, String url) {
        html.append("<article class=\"card\">\n<h3>").append(escape(title)).append("</h3>\n");
        paragraphs.forEach(paragraph -> html.append("<p>").append(escape(paragraph)).append("</p>\n"));
        if (url != null) {
            html.append("<p><a href=\"").append(escape(url)).append("\">Source</a></p>\n");
        }
        html.append("</article>\n");
    }

    /** Only worth a table when there are at least two items to compare. */
    private static void appendTable(StringBuilder html, Report report) {
        if (report.items().size() < 2) {
            return;
        }
        Report.Table table = report.table();
        html.append("<section id=\"comparison\">\n<h2>Comparison</h2>\n<div class=\"table-wrap\">\n<table>\n<thead><tr>");
        table.header().forEach(cell -> html.append("<th scope=\"col\">").append(escape(cell)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (Report.Row row : table.rows()) {
            html.append("<tr><th scope=\"row\">").append(escape(row.cells().get(0))).append("</th>");
            row.cells().subList(1, row.cells().size())
                    .forEach(cell -> html.append("<td>").append(escape(cell)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
