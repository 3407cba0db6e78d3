package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's table as RFC 4180 CSV: a header row, one row per item, and a {@code Source}
 * column with each row's URL. Lines end in CRLF, as the RFC and spreadsheet tools expect.
 */
final class CsvReportRenderer implements ReportRenderer {

    private static final String LINE_END = "\r\n";

    @Override
    public String render(Report report) {
        Report.Table table = report.table();
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(table.header());
        header.add("Source");
        appendLine(csv, header);
        for (Report.Row row : table.rows()) {
            List<String> cells = new ArrayList<>(row.cells());
            cells.add(row.url());
            appendLine(csv, cells);
        }
        return csv.toString();
    }

    private static void appendLine(StringBuilder csv, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(field(cells.get(i)));
        }
        csv.append(LINE_END);
    }

    /** Quotes a field only when it must be: it holds a comma, a quote or a line break. */
    private static String field(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
