package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.miteos.model.task.Mode;
import com.miteos.orchestrator.port.files.FileRefused;
import com.miteos.orchestrator.port.files.TaskFile;
import com.miteos.orchestrator.port.files.TaskFiles;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolFailure;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** write_file, read_file and list_files see only the files port: what they send it and what the model reads back. */
class FileToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Files files = new Files();
    private final ToolContext context = new ToolContext("task_tools", Mode.TEST, "agnt_1", files, null)
            .forCall("agnt_1/call_7");

    @Test
    void writeFileHandsTheNameContentAndCallIdToThePortAndReportsTheStoredName() {
        String answer = new WriteFileTool().execute(args("name", "report.md", "content", "héllo"), context)
                .await().indefinitely();

        assertThat(answer).isEqualTo("Wrote report-stored.md (6 bytes).");
        assertThat(files.writes).containsExactly("report.md|héllo|agnt_1/call_7");
    }

    @Test
    void aRefusalOfThePortIsAToolFailureTheModelCanCorrect() {
        files.refusal = "this task may write at most 3 files";

        assertThatThrownBy(() -> new WriteFileTool().execute(args("name", "a.md", "content", "x"), context))
                .isInstanceOf(ToolFailure.class).hasMessage("this task may write at most 3 files");
        assertThatThrownBy(() -> new ReadFileTool().execute(args("name", "missing.md"), context))
                .isInstanceOf(ToolFailure.class).hasMessage("this task has no file named 'missing.md'");
    }

    @Test
    void writeFileNeedsTextContent() {
        ObjectNode noContent = args("name", "a.md");

        assertThatThrownBy(() -> new WriteFileTool().execute(noContent, context))
                .isInstanceOf(ToolFailure.class).hasMessage("'content' is required and must be a string");
        assertThat(files.writes).isEmpty();
    }

    @Test
    void readFileAnswersUpToItsLimitAsText() {
        files.stored.put("notes.md", "ünïcode".getBytes(StandardCharsets.UTF_8));

        String answer = new ReadFileTool().execute(args("name", "notes.md"), context).await().indefinitely();

        assertThat(answer).isEqualTo("ünïcode");
        assertThat(files.readLimits).containsExactly(ReadFileTool.MAX_BYTES);
    }

    @Test
    void listFilesShowsNamesAndSizesOrThatThereAreNone() {
        ListFilesTool list = new ListFilesTool();
        assertThat(list.execute(JSON.createObjectNode(), context).await().indefinitely()).isEqualTo("No files yet.");

        files.stored.put("a.md", new byte[3]);
        files.stored.put("b.csv", new byte[10]);

        assertThat(list.execute(JSON.createObjectNode(), context).await().indefinitely())
                .isEqualTo("a.md (3 bytes)\nb.csv (10 bytes)");
    }

    private static ObjectNode args(String... pairs) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put(pairs[i], pairs[i + 1]);
        }
        return node;
    }

    /** An in-memory files port that records what the tools ask of it. */
    private static final class Files implements TaskFiles {

        final Map<String, byte[]> stored = new LinkedHashMap<>();
        final List<String> writes = new ArrayList<>();
        final List<Integer> readLimits = new ArrayList<>();
        String refusal;

        @Override
        public List<TaskFile> list() {
            return stored.entrySet().stream().map(e -> new TaskFile(e.getKey(), e.getValue().length)).toList();
        }

        @Override
        public Uni<byte[]> read(String name, int maxBytes) {
            byte[] content = stored.get(name);
            if (content == null) {
                throw new FileRefused("this task has no file named '" + name + "'");
            }
            readLimits.add(maxBytes);
            return Uni.createFrom().item(content);
        }

        @Override
        public Uni<TaskFile> write(String requestedName, byte[] content, String callId) {
            if (refusal != null) {
                throw new FileRefused(refusal);
            }
            writes.add(requestedName + "|" + new String(content, StandardCharsets.UTF_8) + "|" + callId);
            String name = requestedName.replace(".md", "-stored.md");
            return Uni.createFrom().item(new TaskFile(name, content.length));
        }
    }
}
