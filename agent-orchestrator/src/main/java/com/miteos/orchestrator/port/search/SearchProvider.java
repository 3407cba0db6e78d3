package com.miteos.orchestrator.port.search;

import io.smallrye.mutiny.Uni;

import java.util.List;

/** Where {@code web_search} gets its results: the sandbox corpus, or a real search API. */
public interface SearchProvider {

    Uni<List<SearchResult>> search(String query, int maxResults);
}
