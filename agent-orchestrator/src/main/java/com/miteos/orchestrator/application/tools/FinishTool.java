package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code finish}: the agent declares its work item done and hands over its summary. The agent
 * loop ends on it; executing it only acknowledges.
 */
@ApplicationScoped
public class FinishTool implements AgentTool {

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(ToolNames.FINISH)
            .description("Call when your work item is done, with a summary of what you found or made.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("summary", "Your findings or what you produced, for the rest of the team")
                    .required("summary")
                    .build())
            .build();

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public Uni<String> execute(JsonNode arguments, ToolContext context) {
        return Uni.createFrom().item("Done.");
    }

    /** The summary the agent handed over, or an empty string. */
    public static String summary(JsonNode arguments) {
        JsonNode summary = arguments.get("summary");
        return summary != null && summary.isTextual() ? summary.textValue() : "";
    }
}
