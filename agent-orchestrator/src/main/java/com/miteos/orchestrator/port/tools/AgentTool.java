package com.miteos.orchestrator.port.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.smallrye.mutiny.Uni;

/**
 * A tool agents can call. The specification is what the model sees; {@code execute} gets the
 * model's arguments and answers the text fed back to the model. A tool reports bad arguments
 * or refusals as {@link ToolFailure}, which the model sees as an error it can correct.
 */
public interface AgentTool {

    ToolSpecification specification();

    default String name() {
        return specification().name();
    }

    /** Whether the tool can be offered in this context (e.g. search needs a provider). */
    default boolean availableIn(ToolContext context) {
        return true;
    }

    Uni<String> execute(JsonNode arguments, ToolContext context);
}
