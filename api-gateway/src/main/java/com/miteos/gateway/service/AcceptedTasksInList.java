package com.miteos.gateway.service;

import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskSummary;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Read-your-writes for {@code GET /v1/tasks} without waiting: a page of the read model with the
 * tasks this account just had accepted that the read model may not show yet (their submissions not
 * marked projected), so a list right after a POST shows its task.
 *
 * <p>The accepted tasks are the account's newest, so the list reads as those first (newest first)
 * and then the read model's rows: the read model's page starts that many rows earlier
 * ({@link #readModelOffset}). An accepted task the read model's page already shows is shown once,
 * there. One that the read model shows on another page (projected a moment ago, not marked yet)
 * can be counted twice in {@code total}, and a page can be one row short, until it is marked.
 */
final class AcceptedTasksInList {

    private AcceptedTasksInList() {
    }

    /** Where the read model's page starts when {@code accepted} tasks it may not show come first. */
    static int readModelOffset(int offset, int accepted) {
        return Math.max(0, offset - accepted);
    }

    /**
     * The page at {@code offset}: the accepted tasks (newest first) from that position, then the
     * read model's page (read from {@link #readModelOffset}), at most {@code limit} rows.
     */
    static TaskPage merge(List<TaskSummary> accepted, TaskPage readModel, int offset, int limit) {
        Set<String> shown = new HashSet<>();
        readModel.tasks().forEach(task -> shown.add(task.id()));
        List<TaskSummary> notShown = accepted.stream().filter(task -> !shown.contains(task.id())).toList();
        List<TaskSummary> page = new ArrayList<>(limit);
        for (int i = offset; i < notShown.size() && page.size() < limit; i++) {
            page.add(notShown.get(i));
        }
        for (TaskSummary task : readModel.tasks()) {
            if (page.size() == limit) {
                break;
            }
            page.add(task);
        }
        return new TaskPage(page, readModel.total() + notShown.size(), limit, offset);
    }
}
