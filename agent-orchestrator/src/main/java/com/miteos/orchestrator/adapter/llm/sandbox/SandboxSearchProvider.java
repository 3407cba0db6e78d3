package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.port.search.SearchProvider;
import com.miteos.orchestrator.port.search.SearchResult;
import io.smallrye.mutiny.Uni;

import java.util.List;

/**
 * {@code web_search} for sandbox tasks: answers from the offline {@link SandboxCorpus}, never
 * the network. The answer is computed on the calling thread (microseconds over a few dozen
 * documents), so the returned {@link Uni} completes as soon as it is subscribed to.
 */
public final class SandboxSearchProvider implements SearchProvider {

    private final SandboxCorpus corpus;

    public SandboxSearchProvider(SandboxCorpus corpus) {
        this.corpus = corpus;
    }

    @Override
    public Uni<List<SearchResult>> search(String query, int maxResults) {
        return Uni.createFrom().item(() -> corpus.search(query, maxResults).stream()
                .map(document -> new SearchResult(document.title(), document.url(), document.snippet()))
                .toList());
    }
}
