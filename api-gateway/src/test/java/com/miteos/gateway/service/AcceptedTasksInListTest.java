package com.miteos.gateway.service;

import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskSummary;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptedTasksInListTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void withNothingAcceptedThePageIsTheReadModelsPage() {
        TaskPage readModel = page(rows("r", 0, 20), 57, 20, 40);

        assertThat(AcceptedTasksInList.readModelOffset(40, 0)).isEqualTo(40);
        assertThat(AcceptedTasksInList.merge(List.of(), readModel, 40, 20)).isEqualTo(readModel);
    }

    @Test
    void tasksJustAcceptedComeFirstAndAreCounted() {
        List<TaskSummary> accepted = rows("a", 0, 2);
        TaskPage readModel = page(rows("r", 0, 20), 30, 20, 0);

        TaskPage merged = AcceptedTasksInList.merge(accepted, readModel, 0, 20);

        assertThat(ids(merged)).startsWith("a0", "a1", "r0").hasSize(20).doesNotContain("r18", "r19");
        assertThat(merged.total()).isEqualTo(32);
        assertThat(merged.offset()).isZero();
        assertThat(merged.limit()).isEqualTo(20);
    }

    @Test
    void anAcceptedTaskTheReadModelShowsAlreadyIsShownOnceThere() {
        List<TaskSummary> accepted = List.of(row("r0"), row("a1"));
        TaskPage readModel = page(rows("r", 0, 3), 3, 20, 0);

        TaskPage merged = AcceptedTasksInList.merge(accepted, readModel, 0, 20);

        assertThat(ids(merged)).containsExactly("a1", "r0", "r1", "r2");
        assertThat(merged.total()).isEqualTo(4);
    }

    @Test
    void laterPagesContinueWhereTheAcceptedTasksEnd() {
        List<TaskSummary> accepted = rows("a", 0, 3);

        // offset 2: one accepted task left, then the read model from its start
        assertThat(AcceptedTasksInList.readModelOffset(2, 3)).isZero();
        assertThat(ids(AcceptedTasksInList.merge(accepted, page(rows("r", 0, 2), 10, 2, 0), 2, 2)))
                .containsExactly("a2", "r0");
        // offset 5: past the accepted ones, the read model from row 2
        assertThat(AcceptedTasksInList.readModelOffset(5, 3)).isEqualTo(2);
        assertThat(ids(AcceptedTasksInList.merge(accepted, page(rows("r", 2, 4), 10, 2, 2), 5, 2)))
                .containsExactly("r2", "r3");
    }

    private static List<String> ids(TaskPage page) {
        return page.tasks().stream().map(TaskSummary::id).toList();
    }

    private static TaskPage page(List<TaskSummary> rows, long total, int limit, int offset) {
        return new TaskPage(rows, total, limit, offset);
    }

    private static List<TaskSummary> rows(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> row(prefix + i)).toList();
    }

    private static TaskSummary row(String id) {
        return new TaskSummary(id, TaskStatus.PENDING, "a prompt", NOW);
    }
}
