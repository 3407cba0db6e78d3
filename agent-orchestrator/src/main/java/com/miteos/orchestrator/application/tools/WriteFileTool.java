package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.orchestrator.adapter.s3.FileStore;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.files.FileNames;
import com.miteos.orchestrator.domain.files.StoredFile;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.domain.run.TaskRun;
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
import java.util.Optional;

/**
 * {@code write_file}: stores a deliverable of the task in object storage and publishes it.
 * Names are sanitised and made unique; count and size are limited per file and per task.
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

    private final FileStore store;
    private final OrchestratorConfig.Files limits;

    public WriteFileTool(FileStore store, OrchestratorConfig config) {
        this.store = store;
        this.limits = config.files();
    }

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
        if (content.length > limits.maxFileBytes()) {
            throw new ToolFailure("a file may be at most " + limits.maxFileBytes() + " bytes");
        }
        TaskRun run = context.run();
        Optional<StoredFile> earlier = run.fileStoredBy(context.callId());
        if (earlier.isPresent()) {
            // The same call again after a crash: it stored its file before, once is enough.
            return Uni.createFrom().item(wrote(earlier.get()));
        }
        TaskRun.FileReservation reservation = run.reserveFile(FileNames.sanitize(requested), content.length,
                limits.maxCount(), limits.maxTotalBytes(), context.callId());
        if (!reservation.granted()) {
            throw new ToolFailure(reservation.refusal());
        }
        // Within a task a name is unique, so (task, name) names the file: a task run again after a
        // crash writes the same object and publishes the same deliverable, which is deduplicated.
        String id = Ids.derivedId(IdPrefix.DELIVERABLE, run.taskId(), reservation.name());
        StoredFile file = new StoredFile(id, reservation.name(), FileNames.contentType(reservation.name()),
                content.length, run.accountId() + "/" + run.mode().value() + "/" + run.taskId() + "/" + id);
        return store.put(file.objectKey(), content, file.contentType())
                .onFailure().transform(e -> new AgentFailure("storage_unavailable",
                        "Object storage could not store " + file.name() + "."))
                .map(stored -> {
                    run.fileStored(file, context.agentId());
                    return wrote(file);
                });
    }

    private static String wrote(StoredFile file) {
        return "Wrote " + file.name() + " (" + file.sizeBytes() + " bytes).";
    }
}
