package com.miteos.orchestrator.adapter.s3;

import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.domain.run.RunJournals;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.files.FileRefused;
import com.miteos.orchestrator.port.files.TaskFile;
import com.miteos.orchestrator.port.files.TaskFiles;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The files port over object storage, on an in-memory store: limits per file and per task,
 * sanitised unique names, one object per tool call even when the call is repeated, and only the
 * task's own files.
 */
class ObjectStorageTaskFilesTest {

    private final MemoryStore store = new MemoryStore();
    private final ObjectStorageTaskFiles files = new ObjectStorageTaskFiles(store, config(3, 100, 150));
    private final TaskRun run = new TaskRun("task_files", "acct_files", Mode.TEST, "p",
            new TaskConfig(1, 90, false, null, null), RunJournals.discard());
    private final TaskFiles agent = files.open(run, "agnt_1");

    @Test
    void aFileIsStoredUnderTheTaskAndShownWithItsSanitisedName() {
        TaskFile written = write("../notes.md", "hello", "call_1");

        assertThat(written).isEqualTo(new TaskFile("notes.md", 5));
        assertThat(store.objects).hasSize(1);
        String key = store.objects.keySet().iterator().next();
        assertThat(key).startsWith("acct_files/test/task_files/dlvr_");
        assertThat(run.files().list()).singleElement().satisfies(f -> assertThat(f.objectKey()).isEqualTo(key));
        assertThat(agent.list()).containsExactly(new TaskFile("notes.md", 5));
        assertThat(new String(agent.read("notes.md", 3).await().indefinitely(), StandardCharsets.UTF_8))
                .isEqualTo("hel");
    }

    @Test
    void aCallRepeatedAfterACrashAnswersItsFileAndStoresNoSecondCopy() {
        write("report.md", "one", "call_1");

        TaskFile again = write("report.md", "one", "call_1");

        assertThat(again.name()).isEqualTo("report.md");
        assertThat(store.puts).isEqualTo(1);
        assertThat(write("report.md", "two", "call_2").name()).isEqualTo("report-2.md");
    }

    @Test
    void limitsPerFileAndPerTaskAreRefusedWithAReasonTheModelCanRead() {
        assertThatThrownBy(() -> agent.write("big.md", new byte[101], "call_1"))
                .isInstanceOf(FileRefused.class).hasMessage("a file may be at most 100 bytes");
        write("a.md", "x".repeat(100), "call_2");
        assertThatThrownBy(() -> agent.write("b.md", new byte[51], "call_3"))
                .isInstanceOf(FileRefused.class).hasMessage("this task may write at most 150 bytes in all");
        write("b.md", "x", "call_4");
        write("c.md", "x", "call_5");
        assertThatThrownBy(() -> agent.write("d.md", new byte[1], "call_6"))
                .isInstanceOf(FileRefused.class).hasMessage("this task may write at most 3 files");
    }

    @Test
    void readingAFileTheTaskDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> agent.read("other.md", 10))
                .isInstanceOf(FileRefused.class).hasMessage("this task has no file named 'other.md'");
    }

    @Test
    void storageThatFailsFailsTheAgentAndPublishesNothing() {
        store.failing = true;

        assertThatThrownBy(() -> write("notes.md", "hello", "call_1"))
                .isInstanceOfSatisfying(AgentFailure.class, e -> assertThat(e.code()).isEqualTo("storage_unavailable"))
                .hasMessage("Object storage could not store notes.md.");
        assertThat(agent.list()).isEmpty();
    }

    private TaskFile write(String name, String content, String callId) {
        return agent.write(name, content.getBytes(StandardCharsets.UTF_8), callId)
                .await().atMost(Duration.ofSeconds(5));
    }

    /** A file store that keeps objects in memory and never touches the network. */
    static final class MemoryStore extends FileStore {

        final Map<String, byte[]> objects = new LinkedHashMap<>();
        int puts;
        boolean failing;

        MemoryStore() {
            super(config(1, 1, 1));
        }

        @Override
        public Uni<Void> put(String key, byte[] content, String contentType) {
            if (failing) {
                return Uni.createFrom().failure(new IllegalStateException("storage is down"));
            }
            puts++;
            objects.put(key, content);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<byte[]> read(String key, int limit) {
            byte[] content = objects.get(key);
            return Uni.createFrom().item(Arrays.copyOf(content, Math.min(limit, content.length)));
        }
    }

    private static OrchestratorConfig config(int maxCount, long maxFileBytes, long maxTotalBytes) {
        OrchestratorConfig.Files limits = stub(OrchestratorConfig.Files.class, Map.of("maxCount", maxCount,
                "maxFileBytes", maxFileBytes, "maxTotalBytes", maxTotalBytes));
        OrchestratorConfig.Storage s3 = stub(OrchestratorConfig.Storage.class, Map.of("endpoint", "http://127.0.0.1:1",
                "publicEndpoint", "http://127.0.0.1:1", "accessKey", "key", "secretKey", "secret-key",
                "region", "us-east-1", "bucket", "unused", "maxConcurrentCalls", 1));
        return stub(OrchestratorConfig.class, Map.of("files", limits, "s3", s3));
    }

    /** A config interface answering {@code answers} by method name; any other setting fails the test. */
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
            }
            return answers.get(method.getName());
        }));
    }
}
