package com.miteos.orchestrator.tool;

/** One hit of a web search. */
public record SearchResult(String title, String url, String snippet) {
}
