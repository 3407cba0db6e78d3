package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.orchestrator.domain.files.StoredFile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a run: those stored (each published as a deliverable) and the room reserved for
 * them under the task's limits. A file stored after the task ended is dropped.
 */
public final class RunFiles {

    private final TaskRun run;
    private final Map<String, StoredFile> stored = new LinkedHashMap<>();
    private final FileQuota quota = new FileQuota();
    private Integer beforeSynthesis;

    RunFiles(TaskRun run) {
        this.run = run;
    }

    void restore(RunState state) {
        state.files().forEach(f -> stored.put(f.name(), f));
        beforeSynthesis = state.filesBeforeSynthesis();
        quota.restore(state);
    }

    FileQuota quota() {
        return quota;
    }

    Integer beforeSynthesis() {
        return beforeSynthesis;
    }

    /** The stored files, in the order they were stored. */
    public List<StoredFile> list() {
        synchronized (run) {
            return List.copyOf(stored.values());
        }
    }

    public Optional<StoredFile> find(String name) {
        synchronized (run) {
            return Optional.ofNullable(stored.get(name));
        }
    }

    /** How many files the task had when the writer's synthesis first started. */
    public int countBeforeSynthesis() {
        synchronized (run) {
            if (beforeSynthesis == null) {
                beforeSynthesis = stored.size();
            }
            return beforeSynthesis;
        }
    }

    /** The file a tool call stored, if it did: a call repeated after a crash must not store it again. */
    public Optional<StoredFile> storedBy(String callId) {
        synchronized (run) {
            return quota.nameGivenTo(callId).map(stored::get);
        }
    }

    /**
     * Reserves room for the file of tool call {@code callId} (null: no call) under the task's
     * limits; the name is made unique in the task. The same call asking again (it is repeated
     * after a crash) gets the name it was given the first time, whether or not its file was
     * stored then, so it never stores a second, renamed copy.
     */
    public FileReservation reserve(String name, long bytes, int maxCount, long maxTotalBytes, String callId) {
        synchronized (run) {
            Optional<String> given = quota.nameGivenTo(callId);
            if (given.isPresent()) {
                return FileReservation.granted(given.get());
            }
            if (run.lifecycle.isTerminal()) {
                return FileReservation.refused("the task has ended");
            }
            return quota.reserve(name, bytes, maxCount, maxTotalBytes, callId);
        }
    }

    /** A file is stored: publish it as a deliverable and count it. Dropped if the task has ended. */
    public boolean stored(StoredFile file, String agentId) {
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return false;
            }
            stored.put(file.name(), file);
            run.recorder.emit(new DeliverableCreated(file.deliverableId(), agentId, file.name(), file.contentType(),
                    file.sizeBytes(), file.objectKey(), EventRecorder.now()));
            run.emitStatus();
            run.record();
            return true;
        }
    }

    int count() {
        return stored.size();
    }
}
