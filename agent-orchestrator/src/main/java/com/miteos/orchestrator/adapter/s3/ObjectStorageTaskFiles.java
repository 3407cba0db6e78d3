package com.miteos.orchestrator.adapter.s3;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.files.FileNames;
import com.miteos.orchestrator.domain.files.StoredFile;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.domain.run.FileReservation;
import com.miteos.orchestrator.domain.run.RunFiles;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.files.FileRefused;
import com.miteos.orchestrator.port.files.TaskFile;
import com.miteos.orchestrator.port.files.TaskFileStore;
import com.miteos.orchestrator.port.files.TaskFiles;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * A task's files in object storage ({@link FileStore}), under the limits of
 * {@code miteos.files.*}: each write reserves room in the run's quota first, is stored under
 * {@code account/mode/task/deliverable}, and is then published by the run.
 */
@ApplicationScoped
public class ObjectStorageTaskFiles implements TaskFileStore {

    private final FileStore store;
    private final OrchestratorConfig.Files limits;

    public ObjectStorageTaskFiles(FileStore store, OrchestratorConfig config) {
        this.store = store;
        this.limits = config.files();
    }

    @Override
    public TaskFiles open(TaskRun run, String agentId) {
        return new OneTask(run, agentId);
    }

    private static TaskFile shown(StoredFile file) {
        return new TaskFile(file.name(), file.sizeBytes());
    }

    /** The files of one run, for one agent. */
    private final class OneTask implements TaskFiles {

        private final TaskRun run;
        private final RunFiles files;
        private final String agentId;

        OneTask(TaskRun run, String agentId) {
            this.run = run;
            this.files = run.files();
            this.agentId = agentId;
        }

        @Override
        public List<TaskFile> list() {
            return files.list().stream().map(ObjectStorageTaskFiles::shown).toList();
        }

        @Override
        public Uni<byte[]> read(String name, int maxBytes) {
            StoredFile file = files.find(name)
                    .orElseThrow(() -> new FileRefused("this task has no file named '" + name + "'"));
            return store.read(file.objectKey(), maxBytes);
        }

        @Override
        public Uni<TaskFile> write(String requestedName, byte[] content, String callId) {
            if (content.length > limits.maxFileBytes()) {
                throw new FileRefused("a file may be at most " + limits.maxFileBytes() + " bytes");
            }
            Optional<StoredFile> earlier = files.storedBy(callId);
            if (earlier.isPresent()) {
                // The same call again after a crash: it stored its file before, once is enough.
                return Uni.createFrom().item(shown(earlier.get()));
            }
            FileReservation reservation = files.reserve(FileNames.sanitize(requestedName), content.length,
                    limits.maxCount(), limits.maxTotalBytes(), callId);
            if (!reservation.granted()) {
                throw new FileRefused(reservation.refusal());
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
                        files.stored(file, agentId);
                        return shown(file);
                    });
        }
    }
}
