package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of the sandbox's offline "web". A document with an {@code entity} describes one
 * product of its {@code category} (Milvus among vector databases), and its {@code facts} use
 * the same keys as the other documents of that category, so that reports can compare them;
 * a document without an entity is an article whose facts are its key points.
 *
 * @param id       stable identifier, also the search tie-breaker
 * @param entity   the product the page describes, or null for an article
 * @param category what kind of thing the page is about, e.g. {@code vector-database}
 * @param title    page title, as a search result shows it
 * @param url      plausible public address of the page
 * @param tags     keywords that make the page findable
 * @param snippet  one sentence, as a search result shows it
 * @param body     a few sentences of page text
 * @param facts    attribute to value, in the order reports list them
 */
public record CorpusDocument(
        @JsonProperty("id") String id,
        @JsonProperty("entity") String entity,
        @JsonProperty("category") String category,
        @JsonProperty("title") String title,
        @JsonProperty("url") String url,
        @JsonProperty("tags") List<String> tags,
        @JsonProperty("snippet") String snippet,
        @JsonProperty("body") String body,
        @JsonProperty("facts") Map<String, String> facts) {

    public CorpusDocument {
        tags = tags == null ? List.of() : List.copyOf(tags);
        // LinkedHashMap, not Map.copyOf: the order of facts is the order of table columns.
        facts = facts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public boolean isEntity() {
        return entity != null && !entity.isBlank();
    }

    /** What a report calls this document: the product name, or the article title. */
    public String displayName() {
        return isEntity() ? entity : title;
    }

    /** Everything a search matches against. */
    String searchableText() {
        return String.join(" ", title, String.join(" ", tags), snippet, body);
    }
}
