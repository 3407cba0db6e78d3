package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.orchestrator.port.files.FileRefused;
import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolArguments;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolFailure;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;

/** {@code read_file}: reads one of this task's own files, never anybody else's. */
@ApplicationScoped
public class ReadFileTool implements AgentTool {

    static final int MAX_BYTES = 64 * 1024;

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(ToolNames.READ_FILE)
            .description("Read a file this task has written (at most " + MAX_BYTES / 1024 + " KiB are returned).")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("name", "The file name, as list_files shows it")
                    .required("name")
                    .build())
            .build();

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public Uni<String> execute(JsonNode arguments, ToolContext context) {
        String name = ToolArguments.requiredText(arguments, "name", 1_000);
        try {
            return context.files().read(name, MAX_BYTES).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
        } catch (FileRefused e) {
            throw new ToolFailure(e.getMessage());
        }
    }
}
