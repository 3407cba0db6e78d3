package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Okapi BM25 ranking over a fixed set of documents, built once. Scores are pure functions of
 * the documents and the query, and equal scores are ordered by document id, so the same
 * query always returns the same list in the same order.
 */
final class Bm25Index {

    /** How quickly repeated terms stop adding to the score (the usual 1.2). */
    private static final double K1 = 1.2;
    /** How strongly long documents are penalised (the usual 0.75). */
    private static final double B = 0.75;

    private final List<CorpusDocument> documents;
    private final List<Map<String, Integer>> termFrequencies = new ArrayList<>();
    private final int[] lengths;
    private final Map<String, Integer> documentFrequencies = new HashMap<>();
    private final double averageLength;

    Bm25Index(List<CorpusDocument> documents) {
        this.documents = List.copyOf(documents);
        this.lengths = new int[documents.size()];
        long totalLength = 0;
        for (int i = 0; i < documents.size(); i++) {
            List<String> terms = SearchTokens.of(documents.get(i).searchableText());
            Map<String, Integer> frequencies = new HashMap<>();
            terms.forEach(term -> frequencies.merge(term, 1, Integer::sum));
            termFrequencies.add(frequencies);
            frequencies.keySet().forEach(term -> documentFrequencies.merge(term, 1, Integer::sum));
            lengths[i] = terms.size();
            totalLength += terms.size();
        }
        this.averageLength = documents.isEmpty() ? 1 : (double) totalLength / documents.size();
    }

    /** Documents matching at least one query term, best first. */
    List<ScoredDocument> rank(String query) {
        // A term repeated in the query counts once: pasting a paragraph twice should not change the ranking.
        Set<String> queryTerms = new LinkedHashSet<>(SearchTokens.of(query));
        List<ScoredDocument> hits = new ArrayList<>();
        if (queryTerms.isEmpty()) {
            return hits;
        }
        for (int i = 0; i < documents.size(); i++) {
            double score = score(i, queryTerms);
            if (score > 0) {
                hits.add(new ScoredDocument(documents.get(i), score));
            }
        }
        hits.sort(Comparator.comparingDouble(ScoredDocument::score).reversed()
                .thenComparing(hit -> hit.document().id()));
        return hits;
    }

    private double score(int documentIndex, Set<String> queryTerms) {
        Map<String, Integer> frequencies = termFrequencies.get(documentIndex);
        double lengthRatio = lengths[documentIndex] / averageLength;
        double score = 0;
        for (String term : queryTerms) {
            Integer frequency = frequencies.get(term);
            if (frequency == null) {
                continue;
            }
            score += inverseDocumentFrequency(term)
                    * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * lengthRatio));
        }
        return score;
    }

    /** The BM25+ style IDF that never goes negative, so a very common term still counts a little. */
    private double inverseDocumentFrequency(String term) {
        int containing = documentFrequencies.getOrDefault(term, 0);
        return Math.log(1 + (documents.size() - containing + 0.5) / (containing + 0.5));
    }

    /** A document and how well it matched a query. */
    record ScoredDocument(CorpusDocument document, double score) {
    }
}
