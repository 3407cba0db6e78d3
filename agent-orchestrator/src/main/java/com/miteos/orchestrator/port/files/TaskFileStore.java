package com.miteos.orchestrator.port.files;

import com.miteos.orchestrator.domain.run.TaskRun;

/**
 * Where a run's files are kept. The pipeline opens the files of a run for one of its agents
 * and hands the tools only that {@link TaskFiles}, never the run.
 */
public interface TaskFileStore {

    /** The files of {@code run} as the tools of agent {@code agentId} see them; what they write is published as its. */
    TaskFiles open(TaskRun run, String agentId);
}
