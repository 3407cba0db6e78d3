package com.miteos.orchestrator.adapter.llm.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of a streamed chat completion exactly as OpenAI sends it: {@code data: {chunk}} events,
 * the first carrying the role, tool calls arriving as deltas keyed by index (id and name first,
 * arguments in fragments), a chunk with the finish reason, a last chunk with empty {@code choices}
 * and the {@code usage} (because {@code stream_options.include_usage} was asked), then
 * {@code data: [DONE]}.
 */
final class ChatCompletionStream {

    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String model;
    private final List<ObjectNode> chunks = new ArrayList<>();

    private ChatCompletionStream(String model) {
        this.model = model;
        ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
        chunks.add(chunk(delta, null));
    }

    /** A stream from this model; the first chunk (the role) is already in it. */
    static ChatCompletionStream from(String model) {
        return new ChatCompletionStream(model);
    }

    /** A complete plain-text answer in two content deltas, with usage. */
    static String answer(String model, String first, String second, int promptTokens, int completionTokens) {
        return from(model).content(first).content(second).finish("stop").usage(promptTokens, completionTokens).body();
    }

    ChatCompletionStream content(String text) {
        chunks.add(chunk(JSON.createObjectNode().put("content", text), null));
        return this;
    }

    /** The first delta of a tool call: its index, id and name, and no arguments yet. */
    ChatCompletionStream toolCallStart(int index, String id, String name) {
        ObjectNode call = JSON.createObjectNode().put("index", index).put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", "");
        return toolCallDelta(call);
    }

    /** A later delta of a tool call: only its index and a fragment of the arguments' JSON text. */
    ChatCompletionStream toolCallArguments(int index, String fragment) {
        ObjectNode call = JSON.createObjectNode().put("index", index);
        call.putObject("function").put("arguments", fragment);
        return toolCallDelta(call);
    }

    ChatCompletionStream finish(String reason) {
        chunks.add(chunk(JSON.createObjectNode(), reason));
        return this;
    }

    ChatCompletionStream usage(int promptTokens, int completionTokens) {
        ObjectNode last = envelope();
        last.putArray("choices");
        last.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        chunks.add(last);
        return this;
    }

    String body() {
        StringBuilder body = new StringBuilder();
        for (ObjectNode chunk : chunks) {
            body.append("data: ").append(chunk).append("\n\n");
        }
        return body.append("data: [DONE]\n\n").toString();
    }

    private ChatCompletionStream toolCallDelta(ObjectNode call) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").add(call);
        chunks.add(chunk(delta, null));
        return this;
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = envelope();
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode envelope() {
        return JSON.createObjectNode()
                .put("id", "chatcmpl-7QyqpwdfhqwajicIEznoc6Q47XAyW")
                .put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000)
                .put("model", model)
                .put("system_fingerprint", "fp_44709d6fcb");
    }
}
