package com.miteos.orchestrator.adapter.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.port.search.SearchResult;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A self-hosted SearXNG instance through its JSON API ({@code /search?format=json}; the
 * instance must have the json format enabled in its settings).
 */
public class SearxngSearchProvider extends HttpSearchProvider {

    private final String baseUrl;

    public SearxngSearchProvider(HttpClient http, ObjectMapper json, Duration timeout, String baseUrl) {
        super(http, json, timeout);
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    String name() {
        return "SearXNG";
    }

    @Override
    HttpRequest.Builder request(String query, int maxResults) {
        return HttpRequest.newBuilder(uri(baseUrl + "/search?format=json&q="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .header("Accept", "application/json");
    }

    @Override
    JsonNode hits(JsonNode answer) {
        return answer.get("results");
    }

    @Override
    SearchResult toResult(JsonNode hit) {
        return new SearchResult(text(hit, "title"), text(hit, "url"), text(hit, "content"));
    }
}
