package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.port.search.SearchResult;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SandboxSearchProviderTest {

    private final SandboxSearchProvider search = new SandboxSearchProvider(SandboxCorpus.bundled());

    @Test
    void answersFromTheCorpusAsSoonAsSubscribed() {
        UniAssertSubscriber<List<SearchResult>> subscriber = search.search("qdrant", 3)
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        List<SearchResult> results = subscriber.assertCompleted().getItem();
        assertThat(results).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(results.get(0)).isEqualTo(new SearchResult(
                "Qdrant: open-source vector database and similarity search engine",
                "https://qdrant.tech/documentation/overview/",
                "Qdrant is an open-source vector database and similarity search engine written in Rust, "
                        + "with payload filtering built into its HNSW index."));
    }

    @Test
    void queryWithoutMatchesAnswersAnEmptyList() {
        assertThat(search.search("zzzzqqqq", 5).await().indefinitely()).isEmpty();
    }
}
