package com.miteos.orchestrator.adapter.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.port.search.SearchResult;
import com.miteos.orchestrator.port.tools.ToolFailure;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hosted search providers against a scripted server on 127.0.0.1: what they ask, and how they read the answer. */
class HttpSearchProvidersTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<HttpExchange> lastRequest = new AtomicReference<>();
    private HttpServer server;
    private volatile int status = 200;
    private volatile String answer = "{}";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            lastRequest.set(exchange);
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void searxngIsAskedForJsonAndItsResultsAreMapped() {
        answer = """
                {"query":"vector db","results":[
                  {"title":"Qdrant","url":"https://qdrant.tech","content":"Vector search engine"},
                  {"title":"No link","url":"","content":"dropped"},
                  {"title":"Milvus","url":"https://milvus.io","content":"Cloud-native vector DB"}]}""";
        var provider = new SearxngSearchProvider(http, json, Duration.ofSeconds(5), base() + "/");

        List<SearchResult> results = provider.search("vector db & más", 5).await().atMost(Duration.ofSeconds(5));

        assertThat(results).containsExactly(
                new SearchResult("Qdrant", "https://qdrant.tech", "Vector search engine"),
                new SearchResult("Milvus", "https://milvus.io", "Cloud-native vector DB"));
        assertThat(lastRequest.get().getRequestURI().getPath()).isEqualTo("/search");
        assertThat(lastRequest.get().getRequestURI().getRawQuery()).contains("format=json", "q=vector+db+%26+m%C3%A1s");
    }

    @Test
    void braveSendsItsKeyAndLimitsTheCount() {
        answer = """
                {"web":{"results":[{"title":"A","url":"https://a.example","description":"first"},
                                   {"title":"B","url":"https://b.example","description":"second"}]}}""";
        var provider = new BraveSearchProvider(http, json, Duration.ofSeconds(5), base() + "/res/v1/web/search",
                "brave-key");

        List<SearchResult> results = provider.search("kafka", 1).await().atMost(Duration.ofSeconds(5));

        assertThat(results).containsExactly(new SearchResult("A", "https://a.example", "first"));
        assertThat(lastRequest.get().getRequestHeaders().getFirst("X-Subscription-Token")).isEqualTo("brave-key");
        assertThat(lastRequest.get().getRequestURI().getRawQuery()).contains("count=1", "q=kafka");
    }

    @Test
    void errorsBecomeMessagesTheModelCanRead() {
        var provider = new SearxngSearchProvider(http, json, Duration.ofSeconds(5), base());
        status = 503;
        assertThatThrownBy(() -> provider.search("x", 3).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(ToolFailure.class).hasMessageContaining("HTTP 503");

        status = 200;
        answer = "<html>not json</html>";
        assertThatThrownBy(() -> provider.search("x", 3).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(ToolFailure.class).hasMessageContaining("not JSON");

        server.stop(0);
        assertThatThrownBy(() -> provider.search("x", 3).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(ToolFailure.class).hasMessageContaining("unreachable");
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
