package com.miteos.orchestrator.adapter.llm.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The provider against a scripted OpenAI-compatible server: what it sends (path, key, model,
 * streaming, tools, tool results) and how it reads the streamed answer (text, tool-call deltas,
 * usage).
 */
class LiveModelProviderProtocolTest extends ScriptedModelServer {

    private static final String KEY = "sk-test-0123456789abcdef";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void plainTextAnswerBecomesTextWithTokenUsage() {
        answerWith(ChatCompletionStream.answer("gpt-test", "Hello, ", "world.", 12, 3));

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().text()).isEqualTo("Hello, world.");
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(12);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(3);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(15);
    }

    @Test
    void toolCallSplitOverDeltasBecomesOneToolExecutionRequest() {
        answerWith(ChatCompletionStream.from("gpt-test")
                .toolCallStart(0, "call_Xy12", "web_search")
                .toolCallArguments(0, "{\"qu")
                .toolCallArguments(0, "ery\": \"vert.x ")
                .toolCallArguments(0, "event loop\"}")
                .finish("tool_calls")
                .usage(40, 18)
                .body());

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().hasToolExecutionRequests()).isTrue();
        assertThat(response.aiMessage().toolExecutionRequests()).containsExactly(ToolExecutionRequest.builder()
                .id("call_Xy12").name("web_search").arguments("{\"query\": \"vert.x event loop\"}").build());
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(40);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(18);
    }

    @Test
    void twoParallelToolCallsBecomeTwoRequestsInOrder() {
        answerWith(ChatCompletionStream.from("gpt-test")
                .toolCallStart(0, "call_A", "web_search")
                .toolCallArguments(0, "{\"query\":")
                .toolCallArguments(0, "\"first\"}")
                .toolCallStart(1, "call_B", "web_search")
                .toolCallArguments(1, "{\"query\":\"sec")
                .toolCallArguments(1, "ond\"}")
                .finish("tool_calls")
                .usage(50, 30)
                .body());

        ChatResponse response = provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().toolExecutionRequests()).containsExactly(
                ToolExecutionRequest.builder().id("call_A").name("web_search").arguments("{\"query\":\"first\"}")
                        .build(),
                ToolExecutionRequest.builder().id("call_B").name("web_search").arguments("{\"query\":\"second\"}")
                        .build());
    }

    @Test
    void sendsStreamingChatCompletionWithKeyModelToolsAndToolResults() throws Exception {
        answerWith(ChatCompletionStream.answer("gpt-test", "Done", ".", 5, 1));
        ToolExecutionRequest search = ToolExecutionRequest.builder()
                .id("call_Xy12").name("web_search").arguments("{\"query\":\"x\"}").build();
        ModelCall call = ModelCalls.agentStep(List.of(
                SystemMessage.from("You are a researcher."),
                UserMessage.from("Find X."),
                AiMessage.from(search),
                ToolExecutionResultMessage.from(search, "1. X is a letter.")));

        provider.chat(call).await().atMost(PATIENCE);

        LoggedRequest sent = onlyRequest();
        assertThat(sent.getUrl()).isEqualTo("/v1/chat/completions");
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(sent.getBodyAsString());
        assertThat(body.path("model").asText()).isEqualTo("gpt-test");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.has("response_format")).as("only planning asks for JSON").isFalse();

        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo("call_Xy12");
        assertThat(assistant.path("tool_calls").get(0).path("type").asText()).isEqualTo("function");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("web_search");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"query\":\"x\"}");
        JsonNode toolResult = messages.get(3);
        assertThat(toolResult.path("role").asText()).isEqualTo("tool");
        assertThat(toolResult.path("tool_call_id").asText()).isEqualTo("call_Xy12");
        assertThat(toolResult.path("content").asText()).isEqualTo("1. X is a letter.");

        JsonNode tools = body.path("tools");
        assertThat(tools).hasSize(2);
        assertThat(tools.get(0).path("type").asText()).isEqualTo("function");
        JsonNode function = tools.get(0).path("function");
        assertThat(function.path("name").asText()).isEqualTo("web_search");
        assertThat(function.path("description").asText()).isEqualTo("Search the web.");
        JsonNode parameters = function.path("parameters");
        assertThat(parameters.path("type").asText()).isEqualTo("object");
        assertThat(parameters.path("properties").path("query").path("type").asText()).isEqualTo("string");
        assertThat(parameters.path("properties").path("max_results").path("type").asText()).isEqualTo("integer");
        assertThat(parameters.path("required")).containsExactly(JSON.getNodeFactory().textNode("query"));
        assertThat(tools.get(1).path("function").path("name").asText()).isEqualTo("finish");
    }

    @Test
    void planningUsesThePlannerModelAndAsksForJson() throws Exception {
        answerWith(ChatCompletionStream.answer("gpt-planner", "{\"work_items\":", "[]}", 20, 4));

        ChatResponse response = provider.chat(ModelCalls.plan()).await().atMost(PATIENCE);

        assertThat(response.aiMessage().text()).isEqualTo("{\"work_items\":[]}");
        JsonNode body = JSON.readTree(onlyRequest().getBodyAsString());
        assertThat(body.path("model").asText()).isEqualTo("gpt-planner");
        assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
        assertThat(body.has("tools")).isFalse();
        assertThat(provider.modelName(ModelPurpose.PLAN)).isEqualTo("gpt-planner");
        assertThat(provider.modelName(ModelPurpose.AGENT_STEP)).isEqualTo("gpt-test");
    }

    @Test
    void planningWithoutJsonModeSendsNoResponseFormat() throws Exception {
        provider.close();
        provider = new LiveModelProvider(vertx, model().plannerJsonMode(false).build());
        answerWith(ChatCompletionStream.answer("gpt-planner", "{}", "", 20, 1));

        provider.chat(ModelCalls.plan()).await().atMost(PATIENCE);

        assertThat(JSON.readTree(onlyRequest().getBodyAsString()).has("response_format")).isFalse();
    }

    @Test
    void withoutApiKeyNoAuthorizationHeaderIsSent() {
        provider.close();
        provider = new LiveModelProvider(vertx, TestModelSettings.of(server.baseUrl() + "/v1/", " ", "local"));
        answerWith(ChatCompletionStream.answer("local", "Hi", "", 3, 1));

        provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE);

        LoggedRequest sent = onlyRequest();
        assertThat(sent.getUrl()).as("a trailing slash on the base URL is harmless").isEqualTo("/v1/chat/completions");
        assertThat(sent.containsHeader("Authorization")).isFalse();
    }

    @Test
    void successWithoutAnyCompletionChunkFailsClearlyInsteadOfAnsweringNothing() {
        // What a base URL without /v1 gets from a server that serves a web page on every path.
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>Welcome</html>")));

        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_unavailable");
                    assertThat(e.getMessage()).contains("MITEOS_LLM_BASE_URL");
                });
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))))
                .as("a server that does not speak the protocol is not asked again").hasSize(1);
    }

    @Test
    void answerLargerThanTheLimitIsDiscarded() {
        answerWith(ChatCompletionStream.answer("gpt-test", "x".repeat(LiveModelProvider.MAX_RESPONSE_BYTES), "", 5,
                1000));

        assertThatThrownBy(() -> provider.chat(ModelCalls.agentStep()).await().atMost(PATIENCE))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.code()).isEqualTo("model_unavailable");
                    assertThat(e.getMessage()).contains("exceeded");
                });
    }

    @Override
    LiveModelSettings settings() {
        return model().build();
    }

    private static TestModelSettings model() {
        return TestModelSettings.at(server.baseUrl() + "/v1", KEY, "gpt-test").plannerModel("gpt-planner")
                .timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30)).temperature(0.2);
    }

    private static void answerWith(String sse) {
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", ChatCompletionStream.CONTENT_TYPE).withBody(sse)));
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}
