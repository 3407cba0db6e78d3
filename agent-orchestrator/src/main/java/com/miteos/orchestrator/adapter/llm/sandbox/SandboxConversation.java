package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How the sandbox model reads a {@link ChatRequest}: the task prompt and the rest of the
 * user's text, the tools on offer, the tool calls made and the results they produced. It also
 * makes the next tool call, because call ids depend on how many calls came before.
 *
 * <p>Reading is tolerant by design: the orchestrator's wording may change, so a missing
 * {@code Task:} marker, an unknown tool result wrapper or unparsable JSON degrade the answer
 * (fewer facts in a summary) but never fail the call.
 */
final class SandboxConversation {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern TASK_MARKER = Pattern.compile("(?im)^\\s*[#*]*\\s*task\\s*[#*]*\\s*:[ \\t]*");
    private static final Pattern WORK_ITEM_MARKER = Pattern.compile("(?im)^\\s*[#*]*\\s*work item\\s*[#*]*\\s*:[ \\t]*");
    /**
     * A line that starts what the orchestrator appends after the prompt (the work item, the
     * agents' findings); the prompt ends before it. Only looked for after the prompt's first line.
     */
    private static final Pattern AFTER_PROMPT = Pattern.compile(
            "(?im)^\\s*[#*>_\\-\\s]*(?:work item|findings|agent findings|agents' findings|results|agent results"
                    + "|agent\\b[^\\n]{0,60}:|</?task>|<findings|<agent)");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'()\\[\\]]+");
    private static final String RESULT_OPENING = "<tool_result";
    private static final String RESULT_CLOSING = "</tool_result>";

    private final List<ChatMessage> messages;
    private final Set<String> offeredTools = new LinkedHashSet<>();
    private final String taskPrompt;
    private final String afterPrompt;

    SandboxConversation(ChatRequest request) {
        this.messages = List.copyOf(request.messages());
        if (request.toolSpecifications() != null) {
            request.toolSpecifications().stream().map(ToolSpecification::name).forEach(offeredTools::add);
        }
        String userText = userTextOf(messages);
        Matcher task = TASK_MARKER.matcher(userText);
        String fromPrompt = task.find() ? userText.substring(task.end()) : userText;
        int end = endOfPrompt(fromPrompt);
        this.taskPrompt = fromPrompt.substring(0, end).strip();
        this.afterPrompt = fromPrompt.substring(end).strip();
    }

    /** The user's prompt: the text after {@code Task:}, or the whole user text when there is no marker. */
    String taskPrompt() {
        return taskPrompt;
    }

    /** The work item an agent was given (the text after {@code Work item:}), or empty. */
    String workItem() {
        Matcher matcher = WORK_ITEM_MARKER.matcher(afterPrompt);
        return matcher.find() ? afterPrompt.substring(matcher.end()).strip() : "";
    }

    /** Every URL in the text after the prompt, e.g. the sources in the agents' findings. */
    List<String> citedUrls() {
        Set<String> urls = new LinkedHashSet<>();
        Matcher matcher = URL.matcher(afterPrompt);
        while (matcher.find()) {
            // A URL at the end of a sentence keeps its full stop in plain text.
            urls.add(matcher.group().replaceAll("[.,;:!?]+$", ""));
        }
        return List.copyOf(urls);
    }

    boolean offers(String toolName) {
        return offeredTools.contains(toolName);
    }

    int toolResultCount() {
        return toolResults().size();
    }

    boolean hasResultOf(String toolName) {
        return toolResults().stream().anyMatch(result -> toolName.equals(toolNameOf(result)));
    }

    /** The arguments of the most recent call to {@code toolName}, or an empty object. */
    JsonNode lastArgumentsOf(String toolName) {
        return toolCalls().stream()
                .filter(call -> toolName.equals(call.name()))
                .reduce((first, second) -> second)
                .map(call -> parse(call.arguments()))
                .orElseGet(JSON::createObjectNode);
    }

    /** Distinct web search hits returned so far, in the order they came back. */
    List<SearchHit> searchHits() {
        Map<String, SearchHit> hits = new LinkedHashMap<>();
        for (ToolExecutionResultMessage result : toolResults()) {
            if (!ToolNames.WEB_SEARCH.equals(toolNameOf(result))) {
                continue;
            }
            JsonNode body = parse(unwrapped(result.text()));
            JsonNode array = body.isArray() ? body : body.path("results");
            for (JsonNode hit : array) {
                String url = hit.path("url").asText("");
                if (!url.isBlank()) {
                    hits.putIfAbsent(url, new SearchHit(hit.path("title").asText(url), url, hit.path("snippet").asText("")));
                }
            }
        }
        return List.copyOf(hits.values());
    }

    /**
     * The next tool call, with id {@code call_<n>} where n-1 calls were made before it.
     *
     * @param namesAndValues argument names and string values, alternating; they are serialised
     *                       in this order, so the arguments' JSON text is stable across JVMs
     */
    ToolExecutionRequest nextCall(String toolName, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("argument names and values must come in pairs");
        }
        ObjectNode arguments = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            arguments.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return ToolExecutionRequest.builder()
                .id("call_" + (toolCalls().size() + 1))
                .name(toolName)
                .arguments(arguments.toString())
                .build();
    }

    /** The size of everything the model was sent, for token accounting. */
    long characterCount() {
        long characters = 0;
        for (ChatMessage message : messages) {
            if (message instanceof SystemMessage system) {
                characters += system.text().length();
            } else if (message instanceof UserMessage user) {
                characters += textOf(user).length();
            } else if (message instanceof AiMessage ai) {
                characters += ai.text() == null ? 0 : ai.text().length();
                if (ai.hasToolExecutionRequests()) {
                    characters += ai.toolExecutionRequests().stream()
                            .mapToLong(call -> call.name().length() + Objects.toString(call.arguments(), "").length())
                            .sum();
                }
            } else if (message instanceof ToolExecutionResultMessage result) {
                characters += Objects.toString(result.text(), "").length();
            }
        }
        return characters;
    }

    private List<ToolExecutionResultMessage> toolResults() {
        return messages.stream()
                .filter(ToolExecutionResultMessage.class::isInstance)
                .map(ToolExecutionResultMessage.class::cast)
                .toList();
    }

    private List<ToolExecutionRequest> toolCalls() {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        messages.stream()
                .filter(message -> message instanceof AiMessage ai && ai.hasToolExecutionRequests())
                .forEach(message -> calls.addAll(((AiMessage) message).toolExecutionRequests()));
        return calls;
    }

    /** The result's own tool name, or the name of the call it answers. */
    private String toolNameOf(ToolExecutionResultMessage result) {
        if (result.toolName() != null) {
            return result.toolName();
        }
        return toolCalls().stream()
                .filter(call -> Objects.equals(call.id(), result.id()))
                .map(ToolExecutionRequest::name)
                .findFirst()
                .orElse("");
    }

    private static int endOfPrompt(String fromPrompt) {
        // The prompt's own first line is never taken for a boundary, even if it starts with "Results".
        String trimmed = fromPrompt.stripLeading();
        int firstLineEnd = trimmed.indexOf('\n');
        if (firstLineEnd < 0) {
            return fromPrompt.length();
        }
        Matcher after = AFTER_PROMPT.matcher(fromPrompt);
        return after.find(fromPrompt.length() - trimmed.length() + firstLineEnd) ? after.start() : fromPrompt.length();
    }

    private static String userTextOf(List<ChatMessage> messages) {
        return messages.stream()
                .filter(UserMessage.class::isInstance)
                .map(message -> textOf((UserMessage) message))
                .collect(Collectors.joining("\n\n"));
    }

    private static String textOf(UserMessage user) {
        if (user.hasSingleText()) {
            return user.singleText();
        }
        List<String> parts = new ArrayList<>();
        for (Content content : user.contents()) {
            if (content instanceof TextContent text) {
                parts.add(text.text());
            }
        }
        return String.join("\n", parts);
    }

    /** The body of {@code <tool_result name="..." trust="...">body</tool_result>}; unwrapped text as it is. */
    private static String unwrapped(String toolResult) {
        String text = Objects.toString(toolResult, "").strip();
        int openingEnd = text.indexOf('>');
        if (!text.startsWith(RESULT_OPENING) || openingEnd < 0) {
            return text;
        }
        String body = text.substring(openingEnd + 1);
        return body.endsWith(RESULT_CLOSING) ? body.substring(0, body.length() - RESULT_CLOSING.length()) : body;
    }

    private static JsonNode parse(String json) {
        try {
            return Optional.ofNullable(JSON.readTree(Objects.toString(json, ""))).orElseGet(JSON::missingNode);
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }

    /** One web search hit, as the {@code web_search} tool returned it. */
    record SearchHit(String title, String url, String snippet) {
    }
}
