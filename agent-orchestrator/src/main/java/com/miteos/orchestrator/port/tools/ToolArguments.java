package com.miteos.orchestrator.port.tools;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the arguments a model passed to a tool, refusing malformed ones as {@link ToolFailure}s. */
public final class ToolArguments {

    private ToolArguments() {
    }

    /** A required string argument, non-blank and at most {@code maxLength} characters. */
    public static String requiredText(JsonNode arguments, String field, int maxLength) {
        JsonNode node = arguments.get(field);
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            throw new ToolFailure("'" + field + "' is required and must be a non-empty string");
        }
        if (node.textValue().length() > maxLength) {
            throw new ToolFailure("'" + field + "' must be at most " + maxLength + " characters");
        }
        return node.textValue();
    }
}
