package com.miteos.orchestrator.adapter.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.search.SearchProvider;

import java.net.http.HttpClient;
import java.util.Locale;

/** Builds the live search provider that the configuration names, refusing incomplete settings at start-up. */
public final class SearchProviders {

    private SearchProviders() {
    }

    /** The configured provider, or null for {@code none}. */
    public static SearchProvider fromConfig(OrchestratorConfig.Search config, ObjectMapper json) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return switch (config.provider().toLowerCase(Locale.ROOT)) {
            case "none", "" -> null;
            case "searxng" -> new SearxngSearchProvider(http, json, config.timeout(), config.searxngUrl()
                    .filter(url -> !url.isBlank())
                    .orElseThrow(() -> new IllegalStateException(
                            "MITEOS_SEARCH_PROVIDER=searxng needs MITEOS_SEARXNG_URL")));
            case "brave" -> new BraveSearchProvider(http, json, config.timeout(), config.braveUrl(), config.braveApiKey()
                    .filter(key -> !key.isBlank())
                    .orElseThrow(() -> new IllegalStateException(
                            "MITEOS_SEARCH_PROVIDER=brave needs MITEOS_BRAVE_API_KEY")));
            default -> throw new IllegalStateException("unknown MITEOS_SEARCH_PROVIDER '" + config.provider()
                    + "': use none, searxng or brave");
        };
    }
}
