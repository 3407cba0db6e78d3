package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The report as a JSON document for programs: title, summary, the compared items with their
 * facts as an object, background articles, sources and methodology. Field order is fixed, so
 * the same report always gives the same bytes.
 */
final class JsonReportRenderer implements ReportRenderer {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String render(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", report.title());
        root.put("subject", report.brief().subject());
        root.put("kind", report.brief().kind().noun());
        root.put("summary", report.summary());
        ArrayNode columns = root.putArray("columns");
        report.columns().forEach(columns::add);
        ArrayNode items = root.putArray("items");
        for (CorpusDocument item : report.items()) {
            ObjectNode node = items.addObject();
            node.put("name", item.displayName());
            node.put("category", item.category());
            node.put("url", item.url());
            node.put("summary", item.snippet());
            ObjectNode facts = node.putObject("facts");
            item.facts().forEach(facts::put);
        }
        ArrayNode background = root.putArray("background");
        report.background().forEach(article -> background.addObject()
                .put("title", article.title())
                .put("url", article.url())
                .put("summary", article.snippet()));
        ArrayNode openQuestions = root.putArray("open_questions");
        report.openQuestions().forEach(openQuestions::add);
        ArrayNode sources = root.putArray("sources");
        report.sources().forEach(source -> sources.addObject().put("title", source.title()).put("url", source.url()));
        root.put("methodology", report.methodology());
        root.put("generated_by", SandboxModel.MODEL_NAME);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
