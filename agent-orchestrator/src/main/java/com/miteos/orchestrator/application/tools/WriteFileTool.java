package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.orchestrator.port.files.FileRefused;
import com.miteos.orchestrator.port.files.TaskFile;
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

/**
 * {@code write_file}: writes a deliverable of the task through its {@link
 * com.miteos.orchestrator.port.files.TaskFiles}, which sanitises the name, makes it unique and
 * enforces the limits per file and per task.
 */
@ApplicationScoped
public class WriteFileTool implements AgentTool {

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(ToolNames.WRITE_FILE)
            .description("Write a file that becomes a deliverable of the task. Writing a name again adds a new "
                    + "version with a numbered name.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("name", "File name with extension, e.g. report.md")
                    .addStringProperty("content", "The complete file content")
                    .required("name", "content")
                    .build())
            .build();

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public Uni<String> execute(JsonNode arguments, ToolContext context) {
        String requested = ToolArguments.requiredText(arguments, "name", 1_000);
        JsonNode contentNode = arguments.get("content");
        if (contentNode == null || !contentNode.isTextual()) {
            throw new ToolFailure("'content' is required and must be a string");
        }
        byte[] content = contentNode.textValue().getBytes(StandardCharsets.UTF_8);
        try {
            return context.files().write(requested, content, context.callId()).map(WriteFileTool::wrote);
        } catch (FileRefused e) {
            throw new ToolFailure(e.getMessage());
        }
    }

    private static String wrote(TaskFile file) {
        return "Wrote " + file.name() + " (" + file.sizeBytes() + " bytes).";
    }
}
