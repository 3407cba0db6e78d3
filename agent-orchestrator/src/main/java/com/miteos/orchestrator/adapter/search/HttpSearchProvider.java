package com.miteos.orchestrator.adapter.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.adapter.net.CappedBodySubscriber;
import com.miteos.orchestrator.port.search.SearchProvider;
import com.miteos.orchestrator.port.search.SearchResult;
import com.miteos.orchestrator.port.tools.ToolFailure;
import io.smallrye.mutiny.Uni;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The common part of search providers that answer JSON over HTTP: an asynchronous GET (no thread
 * waits on the answer), a timeout, and errors the model can read. Subclasses say how to ask and
 * where the results are in the answer.
 */
abstract class HttpSearchProvider implements SearchProvider {

    static final int MAX_SNIPPET_LENGTH = 500;
    /** A search answer is a page of results; anything larger is not one. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;

    HttpSearchProvider(HttpClient http, ObjectMapper json, Duration timeout) {
        this.http = http;
        this.json = json;
        this.timeout = timeout;
    }

    /** The provider's name, for messages. */
    abstract String name();

    /** The request for a query. */
    abstract HttpRequest.Builder request(String query, int maxResults);

    /** The list of hits in the provider's answer (may be missing). */
    abstract JsonNode hits(JsonNode answer);

    /** How one hit names its title, link and snippet. */
    abstract SearchResult toResult(JsonNode hit);

    @Override
    public Uni<List<SearchResult>> search(String query, int maxResults) {
        HttpRequest request = request(query, maxResults).timeout(timeout).GET().build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request,
                        info -> new CappedBodySubscriber(MAX_ANSWER_BYTES)))
                .onFailure().transform(e -> new ToolFailure(name() + " search is unreachable right now"))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new ToolFailure(name() + " search answered HTTP " + response.statusCode());
                    }
                    if (response.body().truncated()) {
                        throw new ToolFailure(name() + " search answered more than " + MAX_ANSWER_BYTES + " bytes");
                    }
                    return results(new String(response.body().bytes(), StandardCharsets.UTF_8), maxResults);
                });
    }

    private List<SearchResult> results(String body, int maxResults) {
        JsonNode hits;
        try {
            hits = hits(json.readTree(body));
        } catch (Exception e) {
            throw new ToolFailure(name() + " search answered something that is not JSON");
        }
        List<SearchResult> results = new ArrayList<>();
        if (hits != null && hits.isArray()) {
            for (JsonNode hit : hits) {
                SearchResult result = toResult(hit);
                if (result.url() != null && !result.url().isBlank() && results.size() < maxResults) {
                    results.add(new SearchResult(result.title(), result.url(), shorten(result.snippet())));
                }
            }
        }
        return results;
    }

    static String text(JsonNode hit, String field) {
        JsonNode node = hit.get(field);
        return node != null && node.isTextual() ? node.textValue() : "";
    }

    static URI uri(String value) {
        return URI.create(value);
    }

    private static String shorten(String snippet) {
        return snippet.length() <= MAX_SNIPPET_LENGTH ? snippet : snippet.substring(0, MAX_SNIPPET_LENGTH) + "…";
    }
}
