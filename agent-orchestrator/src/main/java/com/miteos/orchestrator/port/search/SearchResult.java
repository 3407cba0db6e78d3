package com.miteos.orchestrator.port.search;

/** One hit of a web search. */
public record SearchResult(String title, String url, String snippet) {
}
