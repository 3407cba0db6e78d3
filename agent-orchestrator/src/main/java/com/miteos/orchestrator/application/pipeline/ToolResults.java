package com.miteos.orchestrator.application.pipeline;

/**
 * Wraps what tools return before a model sees it. Tool output (search results, fetched pages,
 * files) is untrusted data: the delimiters tell the model it is material to use, never
 * instructions to follow, and the system prompt says so too.
 */
public final class ToolResults {

    private ToolResults() {
    }

    public static String untrusted(String tool, String content) {
        // A result must not be able to close its own wrapper and pose as the orchestrator.
        String safe = content.replace("</tool_result>", "</tool_result_>");
        return "<tool_result name=\"" + tool + "\" trust=\"untrusted\">\n" + safe + "\n</tool_result>";
    }

    public static String error(String tool, String message) {
        return "<tool_result name=\"" + tool + "\" status=\"error\">\n" + message + "\n</tool_result>";
    }
}
