package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolArguments;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code web_search}: searches the web through the task's search provider. */
@ApplicationScoped
public class WebSearchTool implements AgentTool {

    static final int MAX_QUERY_LENGTH = 500;
    static final int DEFAULT_RESULTS = 5;
    static final int MAX_RESULTS = 10;

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(ToolNames.WEB_SEARCH)
            .description("Search the web. Returns a JSON array of results with title, url and snippet.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("query", "What to search for")
                    .addIntegerProperty("max_results", "How many results to return, 1 to " + MAX_RESULTS)
                    .required("query")
                    .build())
            .build();

    private final ObjectMapper json;

    public WebSearchTool(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public boolean availableIn(ToolContext context) {
        return context.search() != null;
    }

    @Override
    public Uni<String> execute(JsonNode arguments, ToolContext context) {
        String query = ToolArguments.requiredText(arguments, "query", MAX_QUERY_LENGTH);
        JsonNode max = arguments.get("max_results");
        int count = max != null && max.canConvertToInt() ? Math.max(1, Math.min(MAX_RESULTS, max.intValue()))
                : DEFAULT_RESULTS;
        return context.search().search(query, count).map(results -> {
            try {
                return json.writeValueAsString(results);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("search results cannot be written", e);
            }
        });
    }
}
