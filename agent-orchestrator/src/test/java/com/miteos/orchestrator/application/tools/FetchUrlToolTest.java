package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.miteos.model.task.Mode;
import com.miteos.net.CountingListener;
import com.miteos.orchestrator.adapter.net.FetchLimits;
import com.miteos.orchestrator.port.web.FetchedPage;
import com.miteos.net.PinnedHttp;
import com.miteos.net.SsrfGuard;
import com.miteos.net.SsrfPayloads;
import com.miteos.net.StandInPolicy;
import com.miteos.orchestrator.adapter.net.StandInSite;
import com.miteos.net.TestDns;
import com.miteos.orchestrator.adapter.net.UrlFetcher;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolFailure;
import com.miteos.orchestrator.port.tools.ToolNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code fetch_url} as the agent loop sees it. Like the fetcher's tests, everything runs on
 * this machine: an internal listener on 127.0.0.1 that must never be reached, and a stand-in
 * public site on 127.0.0.2, with names answered by a test resolver.
 */
class FetchUrlToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static CountingListener internal;
    private static StandInSite site;

    @BeforeAll
    static void start() throws IOException {
        PinnedHttp.required();
        internal = new CountingListener("127.0.0.1", 0);
        site = new StandInSite();
    }

    @AfterAll
    static void stop() throws IOException {
        site.close();
        internal.close();
    }

    private static FetchUrlTool tool(FetchLimits limits) {
        TestDns dns = SsrfPayloads.dns(StandInPolicy.STAND_IN).answer(StandInSite.NAME, StandInPolicy.STAND_IN);
        return new FetchUrlTool(new UrlFetcher(new SsrfGuard(dns, new StandInPolicy()), limits));
    }

    private static FetchUrlTool tool() {
        return tool(FetchLimits.defaults());
    }

    private static ToolContext context(Mode mode) {
        return new ToolContext("tsk_fetch", mode, "agt_fetch", null, null);
    }

    private static JsonNode url(String url) {
        return JSON.createObjectNode().put("url", url);
    }

    /** The text the model gets, or the failure it would be shown. */
    private static String call(FetchUrlTool tool, JsonNode arguments) {
        return tool.execute(arguments, context(Mode.LIVE)).await().atMost(PATIENCE);
    }

    @Test
    void isSpecifiedAsFetchUrlWithARequiredUrl() {
        assertThat(tool().name()).isEqualTo(ToolNames.FETCH_URL).isEqualTo("fetch_url");
        assertThat(tool().specification().parameters().required()).containsExactly("url");
    }

    @Test
    void isOfferedToLiveTasksOnlyBecauseSandboxTasksStayOffline() {
        assertThat(tool().availableIn(context(Mode.LIVE))).isTrue();
        assertThat(tool().availableIn(context(Mode.TEST))).isFalse();
    }

    @Test
    void refusesAMissingBlankOrOverlongUrlBeforeFetchingAnything() {
        ObjectNode overlong = JSON.createObjectNode().put("url", "http://site.test/" + "a".repeat(2048));

        assertThatThrownBy(() -> call(tool(), JSON.createObjectNode())).isInstanceOf(ToolFailure.class)
                .hasMessage("'url' is required and must be a non-empty string");
        assertThatThrownBy(() -> call(tool(), url(" "))).isInstanceOf(ToolFailure.class);
        assertThatThrownBy(() -> call(tool(), JSON.createObjectNode().put("url", 42))).isInstanceOf(ToolFailure.class);
        assertThatThrownBy(() -> call(tool(), overlong)).isInstanceOf(ToolFailure.class)
                .hasMessage("'url' must be at most 2048 characters");
    }

    @Test
    void everyPayloadOfTheCorpusBecomesAReadableToolFailureAndTheInternalListenerSeesNoConnection() {
        FetchUrlTool tool = tool();
        List<String> problems = new ArrayList<>();
        for (String payload : SsrfPayloads.aimedAt(internal.port())) {
            try {
                problems.add(payload + " answered " + call(tool, url(payload)));
            } catch (ToolFailure refused) {
                if (refused.getMessage().isBlank() || refused.getMessage().contains("Exception")
                        || refused.getStackTrace().length > 0) {
                    problems.add(payload + " refused unreadably: " + refused.getMessage());
                }
            } catch (RuntimeException | AssertionError other) {
                problems.add(payload + " failed with " + other);
            }
        }

        assertThat(problems).isEmpty();
        assertThat(internal.connections()).isZero();
    }

    @Test
    void answersUrlStatusContentTypeAndText() {
        String answer = call(tool(), url(site.url("/json")));

        assertThat(answer).isEqualTo("URL: " + site.url("/json") + "\nStatus: 200\nContent-Type: application/json\n\n"
                + "{\"answer\": 42}");
    }

    @Test
    void answersTheUrlThatAnsweredAfterRedirects() {
        String answer = call(tool(), url(site.url("/chain/2")));

        assertThat(answer).startsWith("URL: " + site.url("/chain/0") + "\n").endsWith("\n\nend of the chain");
    }

    @Test
    void notesWhenTheResponseWasLargerThanTheDownloadLimit() {
        FetchLimits small = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(15), 1024, 5);

        String answer = call(tool(small), url(site.url("/big?mib=1")));

        assertThat(answer).contains("0123456789abcdef").endsWith("[Truncated: the response was larger than the "
                + "download limit; only its beginning was read.]");
    }

    @Test
    void capsTheTextGivenToTheModel() {
        FetchedPage page = new FetchedPage("https://example.test/", 200, "text/plain",
                "x".repeat(FetchUrlTool.MAX_TEXT_CHARS + 10), false);

        String answer = FetchUrlTool.render(page);

        assertThat(answer).contains("x".repeat(FetchUrlTool.MAX_TEXT_CHARS))
                .doesNotContain("x".repeat(FetchUrlTool.MAX_TEXT_CHARS + 1))
                .endsWith("[Truncated: only the first 65536 characters of the text are shown.]");
    }

    @Test
    void saysSoWhenAPageHasNoReadableText() {
        String answer = FetchUrlTool.render(new FetchedPage("https://example.test/", 204, "text/plain", "", false));

        assertThat(answer).endsWith("\n\n(the page has no readable text)");
    }

    @Test
    void turnsTimeoutsErrorStatusesAndUnreadableContentIntoToolFailures() {
        FetchLimits quick = new FetchLimits(Duration.ofSeconds(1), Duration.ofMillis(300), 1024, 5);

        assertThatThrownBy(() -> call(tool(quick), url(site.url("/slow")))).isInstanceOf(ToolFailure.class)
                .hasMessageContaining("within 300 ms");
        assertThatThrownBy(() -> call(tool(), url(site.url("/missing")))).isInstanceOf(ToolFailure.class)
                .hasMessage("the server answered HTTP 404 for " + site.url("/missing"));
        assertThatThrownBy(() -> call(tool(), url(site.url("/image")))).isInstanceOf(ToolFailure.class)
                .hasMessageContaining("image/png");
        assertThatThrownBy(() -> call(tool(), url("http://localhost/"))).isInstanceOf(ToolFailure.class)
                .hasMessageContaining("internal host name");
    }

    @Test
    void logsUrlsWithoutCredentialsOrControlCharacters() {
        assertThat(FetchUrlTool.forLog("http://admin:hunter2@127.0.0.1/x@y")).isEqualTo("http://***@127.0.0.1/x@y");
        assertThat(FetchUrlTool.forLog("http://a@b@10.0.0.1/")).isEqualTo("http://***@10.0.0.1/");
        assertThat(FetchUrlTool.forLog("http://example.test/\nINFO forged line")).doesNotContain("\n");
        assertThat(FetchUrlTool.forLog("http://example.test/" + "a".repeat(1000))).hasSize(303);
    }

    @Test
    void aRefusedRedirectReachesTheModelAsAToolFailure() {
        String toInternal = site.url("/redirect?to=http%3A%2F%2F127.0.0.1%3A" + internal.port() + "%2F");

        try {
            fail("expected a refusal, got " + call(tool(), url(toInternal)));
        } catch (ToolFailure refused) {
            assertThat(refused).hasMessageContaining("is not a public internet address");
        }
        assertThat(internal.connections()).isZero();
    }
}
