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
 * The hosted Brave Search API ({@code /res/v1/web/search}, key in {@code X-Subscription-Token});
 * its URL is {@code miteos.search.brave-url} (default in application.properties).
 */
public class BraveSearchProvider extends HttpSearchProvider {

    private final String url;
    private final String apiKey;

    public BraveSearchProvider(HttpClient http, ObjectMapper json, Duration timeout, String url, String apiKey) {
        super(http, json, timeout);
        this.url = url;
        this.apiKey = apiKey;
    }

    @Override
    String name() {
        return "Brave";
    }

    @Override
    HttpRequest.Builder request(String query, int maxResults) {
        return HttpRequest.newBuilder(uri(url + "?count=" + maxResults + "&q="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .header("X-Subscription-Token", apiKey);
    }

    @Override
    JsonNode hits(JsonNode answer) {
        JsonNode web = answer.get("web");
        return web == null ? null : web.get("results");
    }

    @Override
    SearchResult toResult(JsonNode hit) {
        return new SearchResult(text(hit, "title"), text(hit, "url"), text(hit, "description"));
    }
}
