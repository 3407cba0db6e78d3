package com.miteos.orchestrator.adapter.llm.live;

import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

import java.util.List;

/** Model calls shaped like the ones the agent loop and the planner make. */
final class ModelCalls {

    static final ToolSpecification WEB_SEARCH = ToolSpecification.builder()
            .name("web_search")
            .description("Search the web.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("query", "What to search for")
                    .addIntegerProperty("max_results")
                    .required("query")
                    .build())
            .build();

    static final ToolSpecification FINISH = ToolSpecification.builder()
            .name("finish")
            .description("Finish with a summary.")
            .parameters(JsonObjectSchema.builder().addStringProperty("summary").required("summary").build())
            .build();

    private ModelCalls() {
    }

    /** An agent step over this conversation, offering web_search and finish. */
    static ModelCall agentStep(List<ChatMessage> conversation) {
        return new ModelCall(ModelPurpose.AGENT_STEP, "task-1", "researcher", ChatRequest.builder()
                .messages(conversation)
                .toolSpecifications(List.of(WEB_SEARCH, FINISH))
                .build());
    }

    /** An agent step that has just started. */
    static ModelCall agentStep() {
        return agentStep(List.of(SystemMessage.from("You are a researcher."), UserMessage.from("Find X.")));
    }

    /** A planning call, as the planner makes it: no tools. */
    static ModelCall plan() {
        return new ModelCall(ModelPurpose.PLAN, "task-1", null, ChatRequest.builder()
                .messages(List.of(SystemMessage.from("Answer JSON."), UserMessage.from("Plan X.")))
                .build());
    }
}
