package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The file formats the sandbox model can deliver, and how it tells from a prompt which one is
 * wanted. Each format knows its renderer, so adding a format is one constant here.
 */
enum DeliverableFormat {

    MARKDOWN("md", "Markdown", Pattern.compile("\\bmarkdown\\b|\\.md\\b"), new MarkdownReportRenderer()),
    HTML("html", "HTML",
            Pattern.compile("\\bhtml\\b|\\blanding[ -]page|\\bweb[ -]?page|\\bwebsite\\b|\\bhomepage\\b"),
            new HtmlReportRenderer()),
    CSV("csv", "CSV", Pattern.compile("\\bcsv\\b|\\bspreadsheet\\b"), new CsvReportRenderer()),
    JSON("json", "JSON", Pattern.compile("\\bjson\\b"), new JsonReportRenderer()),
    PYTHON("py", "Python", Pattern.compile("\\bpython\\b|\\bscript\\b|\\bcode\\b"), new PythonScriptRenderer());

    /**
     * Checked in this order, first match wins. An explicit "Markdown" beats everything; a web
     * page beats "JSON" in "a landing page for our JSON API"; data formats beat "code" because
     * "code" is the vaguest word of all.
     */
    private static final List<DeliverableFormat> PRECEDENCE = List.of(MARKDOWN, HTML, CSV, JSON, PYTHON);

    private final String extension;
    private final String displayName;
    private final Pattern mentions;
    private final ReportRenderer renderer;

    DeliverableFormat(String extension, String displayName, Pattern mentions, ReportRenderer renderer) {
        this.extension = extension;
        this.displayName = displayName;
        this.mentions = Pattern.compile(mentions.pattern(), Pattern.CASE_INSENSITIVE);
        this.renderer = renderer;
    }

    /** The format a prompt asks for; Markdown when it names none. */
    static DeliverableFormat requestedBy(String prompt) {
        return PRECEDENCE.stream()
                .filter(format -> format.mentions.matcher(prompt).find())
                .findFirst()
                .orElse(MARKDOWN);
    }

    String extension() {
        return extension;
    }

    String displayName() {
        return displayName;
    }

    String render(Report report) {
        return renderer.render(report);
    }
}
