package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.stream.Collectors;

/** {@code list_files}: the files this task has written so far. */
@ApplicationScoped
public class ListFilesTool implements AgentTool {

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(ToolNames.LIST_FILES)
            .description("List the files this task has written so far, with their sizes.")
            .build();

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public Uni<String> execute(JsonNode arguments, ToolContext context) {
        String listing = context.files().list().stream()
                .map(f -> f.name() + " (" + f.sizeBytes() + " bytes)")
                .collect(Collectors.joining("\n"));
        return Uni.createFrom().item(listing.isEmpty() ? "No files yet." : listing);
    }
}
