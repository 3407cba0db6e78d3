package com.miteos.orchestrator.port.files;

import io.smallrye.mutiny.Uni;

import java.util.List;

/**
 * The files of one task as the tools of one of its agents see them: list, read and write, never
 * another task's. Names are sanitised and made unique in the task; count and size are limited
 * per file and per task. A refusal the model can correct is a {@link FileRefused}, thrown at
 * once; storage that fails fails the answer.
 */
public interface TaskFiles {

    /** The task's files so far, in the order they were written. */
    List<TaskFile> list();

    /** Up to {@code maxBytes} of a file of this task; {@link FileRefused} if it has none of that name. */
    Uni<byte[]> read(String name, int maxBytes);

    /**
     * Writes a new file, which becomes a deliverable of the task. {@code callId} is the tool
     * call's id: the same call repeated after a crash answers the file it wrote the first time
     * and stores no second copy. Answers the file as stored (its name may differ from the one asked).
     */
    Uni<TaskFile> write(String requestedName, byte[] content, String callId);
}
