package com.miteos.orchestrator.port.deploy;

import com.miteos.model.task.Mode;
import com.miteos.orchestrator.domain.files.StoredFile;

import java.util.List;

/** What a deploy publishes: a finished task's files, and whose task it is (deploys stay within its account). */
public record Deliverables(String taskId, String accountId, Mode mode, List<StoredFile> files) {

    public Deliverables {
        files = List.copyOf(files);
    }
}
