package com.miteos.tasks.repository;

import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskSummary;

import java.time.Instant;

/**
 * One row of a page of tasks as {@link TaskReadRepository#list} selects it: the summary's
 * columns plus {@code total}, the number of tasks matching the filter (the same on every row).
 * A projection, not an entity: Hibernate builds it from the selected values and does not manage it.
 */
record TaskPageRow(String id, String status, String prompt, Instant createdAt, Long total) {

    TaskSummary toSummary() {
        return new TaskSummary(id, TaskStatus.of(status), prompt, createdAt);
    }
}
