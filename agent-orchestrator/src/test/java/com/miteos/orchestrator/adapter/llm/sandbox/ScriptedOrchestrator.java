package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import com.miteos.orchestrator.port.search.SearchResult;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Test fixture that plays the orchestrator around the model of each task's settings: it builds the
 * conversations the sandbox model expects (see the package's contract in {@link SandboxModel}),
 * executes the tools against the sandbox search provider and an in-memory file store, and
 * records every call, so tests can check whole agent loops and pipelines.
 */
final class ScriptedOrchestrator {

    static final String SEED_PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    /** Far above any scripted loop: a model that needs more steps is looping. */
    private static final int STEP_LIMIT = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    static final ToolSpecification WEB_SEARCH = tool(ToolNames.WEB_SEARCH, "query");
    static final ToolSpecification WRITE_FILE = tool(ToolNames.WRITE_FILE, "name", "content");
    static final ToolSpecification READ_FILE = tool(ToolNames.READ_FILE, "name");
    static final ToolSpecification LIST_FILES = tool(ToolNames.LIST_FILES);
    static final ToolSpecification FINISH = tool(ToolNames.FINISH, "summary");
    static final List<ToolSpecification> AGENT_TOOLS = List.of(WEB_SEARCH, WRITE_FILE, READ_FILE, LIST_FILES, FINISH);
    static final List<ToolSpecification> SYNTHESIS_TOOLS = List.of(WRITE_FILE, FINISH);

    /** The model of a task with the given settings, as {@code ModeProviders} chooses it. */
    private final Function<TaskConfig, ModelProvider> models;
    private final SandboxSearchProvider search = new SandboxSearchProvider(SandboxCorpus.bundled());
    private final Map<String, String> files = new LinkedHashMap<>();

    ScriptedOrchestrator(Function<TaskConfig, ModelProvider> models) {
        this.models = models;
    }

    static ScriptedOrchestrator withSandboxModel() {
        return new ScriptedOrchestrator(new SandboxModels(SandboxCorpus.bundled())::forTask);
    }

    /** The settings of a task with this many agents at most and these sandbox settings. */
    static TaskConfig config(int maxAgents, SandboxConfig sandbox) {
        return new TaskConfig(maxAgents, 90, false, null, sandbox);
    }

    /** Everything written with {@code write_file}, by name, in writing order. */
    Map<String, String> files() {
        return files;
    }

    /** The plan's work items as (type, title) pairs. */
    List<JsonNode> plan(String prompt, int maxAgents) {
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from("You are the planner. Split the task into work items."),
                        UserMessage.from(prompt))
                .build();
        ChatResponse response = call(new ModelCall(ModelPurpose.PLAN, "task_test", null, request),
                config(maxAgents, null));
        try {
            List<JsonNode> items = new ArrayList<>();
            JSON.readTree(response.aiMessage().text()).path("work_items").forEach(items::add);
            return items;
        } catch (Exception e) {
            throw new AssertionError("plan is not JSON: " + response.aiMessage().text(), e);
        }
    }

    /** Runs one agent's loop to its finish call and returns the whole conversation. */
    AgentRun runAgent(String agentType, String prompt, String workItem, List<ToolSpecification> tools,
            SandboxConfig sandbox) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are a " + agentType + " agent. Use the tools; call finish when done."));
        messages.add(UserMessage.from("Task:\n" + prompt + "\n\nWork item: " + workItem));
        return loop(ModelPurpose.AGENT_STEP, agentType, messages, tools, sandbox);
    }

    AgentRun runAgent(String agentType, String prompt) {
        return runAgent(agentType, prompt, "Do your part of the task.", AGENT_TOOLS, null);
    }

    /** Runs the synthesis loop over the given agent findings. */
    AgentRun runSynthesis(String prompt, List<String> findings) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("Write the final deliverable with write_file, then call finish."));
        messages.add(UserMessage.from("Task:\n" + prompt + "\n\nFindings:\n\n" + String.join("\n\n", findings)));
        return loop(ModelPurpose.SYNTHESIS, null, messages, SYNTHESIS_TOOLS, null);
    }

    /** Plan, run every agent, synthesise: the whole sandbox pipeline, sequentially. */
    AgentRun runTask(String prompt, int maxAgents) {
        List<String> findings = new ArrayList<>();
        for (JsonNode item : plan(prompt, maxAgents)) {
            String type = item.path("type").asText();
            AgentRun run = runAgent(type, prompt, item.path("title").asText() + "\n" + item.path("instructions").asText(),
                    AGENT_TOOLS, null);
            findings.add("### " + type + ": " + item.path("title").asText() + "\n" + run.finishSummary());
        }
        return runSynthesis(prompt, findings);
    }

    /** The answer of the model of a task with default settings (three agents at most, no sandbox settings). */
    ChatResponse call(ModelCall call) {
        return call(call, config(3, null));
    }

    ChatResponse call(ModelCall call, TaskConfig config) {
        return models.apply(config).chat(call).await().indefinitely();
    }

    private AgentRun loop(ModelPurpose purpose, String agentType, List<ChatMessage> messages,
            List<ToolSpecification> tools, SandboxConfig sandbox) {
        List<ChatResponse> responses = new ArrayList<>();
        for (int step = 0; step < STEP_LIMIT; step++) {
            ChatRequest request = ChatRequest.builder().messages(messages).toolSpecifications(tools).build();
            ChatResponse response = call(new ModelCall(purpose, "task_test", agentType, request), config(3, sandbox));
            responses.add(response);
            AiMessage answer = response.aiMessage();
            messages.add(answer);
            if (!answer.hasToolExecutionRequests()) {
                return new AgentRun(messages, responses);
            }
            for (ToolExecutionRequest toolCall : answer.toolExecutionRequests()) {
                if (ToolNames.FINISH.equals(toolCall.name())) {
                    return new AgentRun(messages, responses);
                }
                messages.add(ToolExecutionResultMessage.from(toolCall, wrapped(toolCall.name(), execute(toolCall))));
            }
        }
        throw new AssertionError("no finish within " + STEP_LIMIT + " steps: " + messages);
    }

    private String execute(ToolExecutionRequest toolCall) {
        JsonNode arguments = readArguments(toolCall);
        return switch (toolCall.name()) {
            case ToolNames.WEB_SEARCH -> {
                List<SearchResult> results = search.search(arguments.path("query").asText(), 5).await().indefinitely();
                yield toJson(results);
            }
            case ToolNames.WRITE_FILE -> {
                files.put(arguments.path("name").asText(), arguments.path("content").asText());
                yield "{\"written\":" + toJson(arguments.path("name").asText()) + "}";
            }
            case ToolNames.READ_FILE -> files.getOrDefault(arguments.path("name").asText(), "error: no such file");
            case ToolNames.LIST_FILES -> toJson(List.copyOf(files.keySet()));
            default -> "error: unknown tool " + toolCall.name();
        };
    }

    private static JsonNode readArguments(ToolExecutionRequest toolCall) {
        try {
            return JSON.readTree(toolCall.arguments());
        } catch (Exception e) {
            throw new AssertionError("tool arguments are not JSON: " + toolCall.arguments(), e);
        }
    }

    static String wrapped(String toolName, String body) {
        return "<tool_result name=\"" + toolName + "\" trust=\"untrusted\">\n" + body + "\n</tool_result>";
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ToolSpecification tool(String name, String... stringParameters) {
        JsonObjectSchema.Builder parameters = JsonObjectSchema.builder();
        for (String parameter : stringParameters) {
            parameters.addStringProperty(parameter);
        }
        return ToolSpecification.builder()
                .name(name)
                .description("The " + name + " tool.")
                .parameters(parameters.required(stringParameters).build())
                .build();
    }

    /** A finished loop: the conversation, including the model's last answer, and every response. */
    record AgentRun(List<ChatMessage> messages, List<ChatResponse> responses) {

        List<ToolExecutionRequest> toolCalls() {
            return messages.stream()
                    .filter(message -> message instanceof AiMessage ai && ai.hasToolExecutionRequests())
                    .flatMap(message -> ((AiMessage) message).toolExecutionRequests().stream())
                    .toList();
        }

        List<String> toolNames() {
            return toolCalls().stream().map(ToolExecutionRequest::name).toList();
        }

        long toolResultCount() {
            return messages.stream().filter(ToolExecutionResultMessage.class::isInstance).count();
        }

        String finishSummary() {
            return toolCalls().stream()
                    .filter(call -> ToolNames.FINISH.equals(call.name()))
                    .map(call -> readArguments(call).path("summary").asText())
                    .collect(Collectors.joining());
        }

        /** The {@code content} argument of the {@code write_file} call that wrote {@code name}. */
        JsonNode writeFileArguments() {
            return toolCalls().stream()
                    .filter(call -> ToolNames.WRITE_FILE.equals(call.name()))
                    .map(ScriptedOrchestrator::readArguments)
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> new AssertionError("no write_file call"));
        }
    }
}
