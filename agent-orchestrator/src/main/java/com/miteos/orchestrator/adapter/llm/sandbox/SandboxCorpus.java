package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The sandbox's offline "web": the documents bundled in {@code sandbox/corpus.json}, searchable
 * with BM25. It serves both sides of a sandbox run: {@code web_search} finds pages in it, and the
 * sandbox model treats it as its world knowledge when it writes reports.
 *
 * <p>Immutable and thread-safe. {@link #bundled()} loads the classpath copy once per JVM.
 */
public final class SandboxCorpus {

    static final String RESOURCE = "sandbox/corpus.json";

    private final Map<String, CorpusDocument> byUrl = new LinkedHashMap<>();
    private final Map<String, DocumentTerms> termsById = new HashMap<>();
    private final Bm25Index index;

    public SandboxCorpus(List<CorpusDocument> documents) {
        Set<String> ids = new HashSet<>();
        for (CorpusDocument document : documents) {
            if (!ids.add(document.id())) {
                throw new IllegalArgumentException("duplicate corpus document id: " + document.id());
            }
            byUrl.putIfAbsent(document.url(), document);
            termsById.put(document.id(), DocumentTerms.of(document));
        }
        this.index = new Bm25Index(documents);
    }

    /** The corpus shipped with the orchestrator. */
    public static SandboxCorpus bundled() {
        return Bundled.CORPUS;
    }

    /** Reads a corpus file: {@code {"documents": [ ... ]}}. */
    public static SandboxCorpus fromJson(InputStream json) throws IOException {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        return new SandboxCorpus(mapper.readValue(json, CorpusFile.class).documents());
    }

    /** Up to {@code maxResults} documents matching {@code query}, most relevant first; empty for a blank query. */
    public List<CorpusDocument> search(String query, int maxResults) {
        if (maxResults <= 0) {
            return List.of();
        }
        return index.rank(query).stream()
                .limit(maxResults)
                .map(Bm25Index.ScoredDocument::document)
                .toList();
    }

    /**
     * Like {@link #search}, but only documents that are {@linkplain #isAbout about} the query.
     * What a report presents as knowledge must pass this test; a search result list need not.
     */
    List<CorpusDocument> about(String query, int maxResults) {
        return search(query, Integer.MAX_VALUE).stream()
                .filter(document -> isAbout(document, query))
                .limit(Math.max(0, maxResults))
                .toList();
    }

    /**
     * Whether a document is about the query, not merely mentioning a word of it in passing: the
     * query names the document's entity, or the document's title and tags share two of the
     * query's terms (one, for a one-term query). Go's page mentions "cloud", but is not about cloud cost.
     */
    boolean isAbout(CorpusDocument document, String query) {
        Set<String> queryTerms = new HashSet<>(SearchTokens.of(query));
        DocumentTerms terms = termsOf(document);
        if (queryTerms.stream().anyMatch(terms.entity()::contains)) {
            return true;
        }
        long shared = queryTerms.stream().filter(terms.topic()::contains).count();
        return shared > 0 && shared >= Math.min(2, queryTerms.size());
    }

    /**
     * Whether the query names the document's entity or its category ("Milvus", "vector
     * databases"). Only then is the entity one of the things the query asks about, rather than
     * something related to it.
     */
    boolean namesEntityOrCategory(CorpusDocument document, String query) {
        DocumentTerms terms = termsOf(document);
        return document.isEntity() && SearchTokens.of(query).stream()
                .anyMatch(term -> terms.entity().contains(term) || terms.category().contains(term));
    }

    public Optional<CorpusDocument> findByUrl(String url) {
        return Optional.ofNullable(url).map(byUrl::get);
    }

    private DocumentTerms termsOf(CorpusDocument document) {
        return Optional.ofNullable(termsById.get(document.id())).orElseGet(() -> DocumentTerms.of(document));
    }

    /**
     * The terms of a document's entity name, its category, and its topic (entity, title and
     * tags), precomputed because reports test every candidate document against them.
     */
    private record DocumentTerms(Set<String> entity, Set<String> category, Set<String> topic) {

        static DocumentTerms of(CorpusDocument document) {
            String entity = Objects.toString(document.entity(), "");
            return new DocumentTerms(
                    Set.copyOf(SearchTokens.of(entity)),
                    Set.copyOf(SearchTokens.of(Objects.toString(document.category(), ""))),
                    Set.copyOf(SearchTokens.of(String.join(" ", entity, document.title(), String.join(" ", document.tags())))));
        }
    }

    /** The file layout of {@code corpus.json}; other top-level fields are documentation. */
    private record CorpusFile(@JsonProperty("documents") List<CorpusDocument> documents) {
    }

    /** Holder idiom: the bundled corpus is parsed on first use, once, without locking afterwards. */
    private static final class Bundled {

        static final SandboxCorpus CORPUS = load();

        private static SandboxCorpus load() {
            try (InputStream json = SandboxCorpus.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (json == null) {
                    throw new IllegalStateException("sandbox corpus missing from the classpath: " + RESOURCE);
                }
                return fromJson(json);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the sandbox corpus " + RESOURCE, e);
            }
        }
    }
}
