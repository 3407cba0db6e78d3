package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelPurpose;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A made-up sandbox task played through the sandbox model, as a run plays it: the plan, each
 * agent's steps with its tools' answers, the writer's synthesis. The model's code (planning, the
 * agents' scripts, composing and rendering reports) is loaded and run before a task needs it: a
 * cold process otherwise does that in the first run it starts, inside that run's first call. Only
 * values made up here are touched: the files it "writes" are kept nowhere, its searches read the
 * bundled corpus.
 */
final class SandboxRehearsal {

    static final String PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";
    private static final String TASK = "task_warmup";
    /** Far above what a sandbox agent needs; a rehearsal that needs more stops there. */
    private static final int STEP_LIMIT = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ToolSpecification> AGENT_TOOLS = List.of(tool(ToolNames.WEB_SEARCH, "query"),
            tool(ToolNames.WRITE_FILE, "name", "content"), tool(ToolNames.READ_FILE, "name"),
            tool(ToolNames.LIST_FILES), tool(ToolNames.FINISH, "summary"));
    private static final List<ToolSpecification> SYNTHESIS_TOOLS = List.of(tool(ToolNames.WRITE_FILE, "name", "content"),
            tool(ToolNames.FINISH, "summary"));

    private final SandboxModel model;
    private final SandboxCorpus corpus;

    SandboxRehearsal(SandboxCorpus corpus) {
        this.corpus = corpus;
        this.model = new SandboxModels(corpus).forTask(new TaskConfig(3, 70, false, null, null));
    }

    /** What a rehearsal did: the model calls it made and the names of the files its agents wrote. */
    record Played(int calls, List<String> files) {
    }

    /** Plays the task to its end. */
    Played play() {
        int[] calls = {0};
        List<String> files = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        AiMessage plan = answer(ModelPurpose.PLAN, null, new ArrayList<>(List.of(
                SystemMessage.from("Split the task into work items."), UserMessage.from(PROMPT))), List.of(), calls);
        for (JsonNode item : parse(plan.text()).path("work_items")) {
            String type = item.path("type").asText();
            List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from("You are a " + type + " agent."),
                    UserMessage.from("Task:\n" + PROMPT + "\n\nWork item: " + item.path("title").asText() + "\n"
                            + item.path("instructions").asText())));
            findings.add("### " + type + "\n"
                    + converse(ModelPurpose.AGENT_STEP, type, messages, AGENT_TOOLS, calls, files));
        }
        converse(ModelPurpose.SYNTHESIS, null, new ArrayList<>(List.of(SystemMessage.from("Write the deliverables."),
                UserMessage.from("Task:\n" + PROMPT + "\n\nFindings of the agents:\n\n" + String.join("\n\n", findings)))),
                SYNTHESIS_TOOLS, calls, files);
        return new Played(calls[0], List.copyOf(files));
    }

    /** One agent conversation to its finish; returns the finish summary. */
    private String converse(ModelPurpose purpose, String agentType, List<ChatMessage> messages,
            List<ToolSpecification> tools, int[] calls, List<String> files) {
        for (int step = 0; step < STEP_LIMIT; step++) {
            AiMessage answer = answer(purpose, agentType, messages, tools, calls);
            messages.add(answer);
            if (!answer.hasToolExecutionRequests()) {
                return answer.text() == null ? "" : answer.text();
            }
            for (ToolExecutionRequest call : answer.toolExecutionRequests()) {
                if (ToolNames.FINISH.equals(call.name())) {
                    return parse(call.arguments()).path("summary").asText("");
                }
                if (ToolNames.WRITE_FILE.equals(call.name())) {
                    files.add(parse(call.arguments()).path("name").asText());
                }
                messages.add(ToolExecutionResultMessage.from(call, "<tool_result name=\"" + call.name()
                        + "\" trust=\"untrusted\">\n" + toolAnswer(call) + "\n</tool_result>"));
            }
        }
        throw new IllegalStateException("the sandbox model did not finish within " + STEP_LIMIT + " steps");
    }

    private AiMessage answer(ModelPurpose purpose, String agentType, List<ChatMessage> messages,
            List<ToolSpecification> tools, int[] calls) {
        calls[0]++;
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(messages));
        if (!tools.isEmpty()) {
            request.toolSpecifications(tools);
        }
        return model.chat(new ModelCall(purpose, TASK, agentType, request.build())).await().indefinitely().aiMessage();
    }

    /** What a tool would answer: the corpus' hits for a search, an acknowledgement for the rest. */
    private String toolAnswer(ToolExecutionRequest call) {
        JsonNode arguments = parse(call.arguments());
        try {
            return switch (call.name()) {
                case ToolNames.WEB_SEARCH -> JSON.writeValueAsString(corpus.search(arguments.path("query").asText(), 5)
                        .stream().map(document -> Map.of("title", document.title(), "url", document.url(),
                                "snippet", document.snippet()))
                        .toList());
                case ToolNames.WRITE_FILE -> JSON.writeValueAsString(Map.of("written", arguments.path("name").asText()));
                default -> "[]";
            };
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json == null ? "{}" : json);
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }

    private static ToolSpecification tool(String name, String... stringParameters) {
        JsonObjectSchema.Builder parameters = JsonObjectSchema.builder();
        for (String parameter : stringParameters) {
            parameters.addStringProperty(parameter);
        }
        return ToolSpecification.builder().name(name).parameters(parameters.build()).build();
    }
}
