package com.miteos.orchestrator.application.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code write_file} arguments that save a writer's text answer as the report, when it wrote no file. */
final class FallbackReport {

    static final String NAME = "report.md";

    private FallbackReport() {
    }

    static JsonNode arguments(String text) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        arguments.put("name", NAME);
        arguments.put("content", text);
        return arguments;
    }
}
