package com.miteos.orchestrator.adapter.llm.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SandboxCorpusTest {

    private final SandboxCorpus corpus = SandboxCorpus.bundled();
    private final List<CorpusDocument> documents = BundledCorpusFile.documents();

    @Test
    void bundledCorpusHoldsThirtyToFortyCompleteDocumentsWithHttpsUrls() {
        assertThat(documents).hasSizeBetween(30, 40);
        assertThat(documents).allSatisfy(document -> {
            assertThat(document.id()).isNotBlank();
            assertThat(document.title()).isNotBlank();
            assertThat(document.url()).startsWith("https://");
            assertThat(document.snippet()).isNotBlank();
            assertThat(document.body()).isNotBlank();
            assertThat(document.tags()).isNotEmpty();
            assertThat(document.facts()).isNotEmpty();
            assertThat(document.category()).isNotBlank();
        });
        assertThat(documents.stream().map(CorpusDocument::url).distinct()).hasSameSizeAs(documents);
    }

    @Test
    void entitiesOfOneCategoryShareTheirFactKeysSoTheyCanBeCompared() {
        Map<String, Set<Set<String>>> factKeysByCategory = documents.stream()
                .filter(CorpusDocument::isEntity)
                .collect(Collectors.groupingBy(CorpusDocument::category,
                        Collectors.mapping(document -> document.facts().keySet(), Collectors.toSet())));

        assertThat(factKeysByCategory).allSatisfy((category, keySets) -> assertThat(keySets).hasSize(1));
    }

    @Test
    void corpusCoversTheTwelveOpenSourceVectorDatabasesWithApproximateStarCounts() {
        List<CorpusDocument> vectorDatabases = documents.stream()
                .filter(document -> "vector-database".equals(document.category()))
                .toList();

        assertThat(vectorDatabases).extracting(CorpusDocument::entity).contains("Milvus", "Qdrant", "Weaviate",
                "Chroma", "pgvector", "FAISS", "Vespa", "LanceDB", "Marqo");
        assertThat(vectorDatabases).hasSize(12);
        assertThat(vectorDatabases).allSatisfy(document -> assertThat(document.facts())
                .containsKeys("License", "Language", "Index types", "Hybrid search", "Managed offering",
                        "First release", "GitHub stars (approx.)", "Best for"));
        assertThat(entity("Milvus").facts()).containsEntry("License", "Apache-2.0").containsEntry("Language", "Go, C++");
        assertThat(entity("Qdrant").facts()).containsEntry("License", "Apache-2.0").containsEntry("Language", "Rust");
        assertThat(entity("Weaviate").facts()).containsEntry("License", "BSD-3-Clause").containsEntry("Language", "Go");
        assertThat(entity("pgvector").facts()).containsEntry("License", "PostgreSQL License").containsEntry("Language", "C");
        assertThat(entity("FAISS").facts()).containsEntry("License", "MIT");
    }

    @Test
    void vectorDatabaseQueryRanksVectorDatabasePagesFirst() {
        List<CorpusDocument> hits = corpus.search("vector database", 5);

        assertThat(hits).hasSize(5);
        assertThat(hits).allSatisfy(hit -> assertThat(hit.category()).startsWith("vector-"));
        assertThat(hits).extracting(CorpusDocument::entity).contains("Milvus", "Qdrant");
    }

    @Test
    void pluralQueriesFindSingularDocuments() {
        assertThat(corpus.search("vector databases", 5)).isEqualTo(corpus.search("vector database", 5));
    }

    @Test
    void otherTopicsGetRelevantHits() {
        assertThat(corpus.search("kafka event streaming", 1)).extracting(CorpusDocument::entity).containsExactly("Apache Kafka");
        assertThat(corpus.search("landing page call to action", 1).get(0).category()).isEqualTo("web-design");
        assertThat(corpus.search("python web framework", 3)).extracting(CorpusDocument::category).contains("web-framework");
        assertThat(corpus.search("reduce cloud cost", 1)).extracting(CorpusDocument::category).containsOnly("cloud-cost");
        assertThat(corpus.search("LLM evaluation", 3)).extracting(CorpusDocument::category).containsOnly("llm-evaluation");
    }

    @Test
    void searchIsDeterministicAndRespectsMaxResults() {
        assertThat(corpus.search("open-source database", 7)).isEqualTo(corpus.search("open-source database", 7));
        assertThat(corpus.search("open-source database", 3)).isEqualTo(corpus.search("open-source database", 7).subList(0, 3));
        assertThat(corpus.search("database", 0)).isEmpty();
        assertThat(corpus.search("database", -1)).isEmpty();
    }

    @Test
    void equalScoresAreOrderedById() {
        SandboxCorpus twins = new SandboxCorpus(List.of(document("b"), document("a"), document("c")));

        assertThat(twins.search("twin", 10)).extracting(CorpusDocument::id).containsExactly("a", "b", "c");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "?!.,;", "the and of", "\u0000\u0001", "🦄🚀", "ベクトルデータベース", "\"); DROP TABLE x;--"})
    void oddQueriesReturnWithoutCrashing(String query) {
        assertThat(corpus.search(query, 5)).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void blankAndNullQueriesFindNothing() {
        assertThat(corpus.search("", 5)).isEmpty();
        assertThat(corpus.search("   ", 5)).isEmpty();
        assertThat(corpus.search(null, 5)).isEmpty();
    }

    @Test
    void tenThousandCharacterQueryIsAnsweredQuickly() {
        String query = "vector database ".repeat(400) + "x".repeat(3_600);
        assertThat(query).hasSizeGreaterThanOrEqualTo(10_000);

        long started = System.nanoTime();
        List<CorpusDocument> hits = corpus.search(query, 5);

        assertThat(hits).isNotEmpty();
        assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
    }

    @Test
    void aboutRequiresTheTitleOrTagsToMatchNotAPassingMention() {
        CorpusDocument go = entity("Go");

        assertThat(corpus.search("reducing cloud cost", 10)).contains(go);
        assertThat(corpus.isAbout(go, "reducing cloud cost")).isFalse();
        assertThat(corpus.about("reducing cloud cost", 10)).doesNotContain(go).isNotEmpty();
        assertThat(corpus.isAbout(entity("Milvus"), "Milvus")).isTrue();
    }

    @Test
    void findsDocumentsByUrl() {
        assertThat(corpus.findByUrl("https://milvus.io/docs/overview.md")).map(CorpusDocument::entity).contains("Milvus");
        assertThat(corpus.findByUrl("https://example.com/unknown")).isEmpty();
        assertThat(corpus.findByUrl(null)).isEmpty();
    }

    @Test
    void corpusFilesMayCarryDocumentationFieldsButNotDuplicateIds() {
        String json = "{\"description\":\"x\",\"documents\":[" + documentJson("a") + "," + documentJson("a") + "]}";

        assertThatThrownBy(() -> SandboxCorpus.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
    }

    private CorpusDocument entity(String name) {
        return documents.stream().filter(document -> name.equals(document.entity())).findFirst().orElseThrow();
    }

    private static CorpusDocument document(String id) {
        return new CorpusDocument(id, null, "test", "Twin", "https://example.com/" + id, List.of("twin"),
                "A twin.", "A twin page.", Map.of("Kind", "twin"));
    }

    private static String documentJson(String id) {
        return "{\"id\":\"" + id + "\",\"category\":\"test\",\"title\":\"T\",\"url\":\"https://example.com/" + id
                + "\",\"tags\":[],\"snippet\":\"s\",\"body\":\"b\",\"facts\":{}}";
    }
}
