package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.domain.files.StoredFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A task's files stay within its limits, keep unique names, and a repeated tool call stores nothing twice. */
class RunFilesTest {

    private final List<EventEnvelope<?>> events = new ArrayList<>();
    private final TaskRun run = new TaskRun("task_limits", "acct_test", Mode.TEST, "p",
            new TaskConfig(1, 90, false, null, null), RunJournals.events(events::add));

    @Test
    void aTaskCannotWriteMoreFilesOrBytesThanItsLimits() {
        RunFiles files = run.files();

        assertThat(files.reserve("a.md", 600, 2, 1_000, null).granted()).isTrue();
        assertThat(files.reserve("b.md", 600, 2, 1_000, null).refusal()).contains("1000 bytes");
        FileReservation second = files.reserve("a.md", 100, 2, 1_000, null);
        assertThat(second.name()).isEqualTo("a-2.md");
        assertThat(files.reserve("c.md", 1, 2, 1_000, null).refusal()).contains("at most 2 files");
    }

    @Test
    void aToolCallRepeatedAfterACrashGetsTheNameItWasGivenNotANewOne() {
        RunFiles files = run.files();

        assertThat(files.reserve("report.md", 100, 5, 1_000, "call_1").name()).isEqualTo("report.md");
        assertThat(files.reserve("report.md", 100, 5, 1_000, "call_1").name()).isEqualTo("report.md");
        assertThat(files.reserve("report.md", 100, 5, 1_000, "call_2").name()).isEqualTo("report-2.md");
        assertThat(files.storedBy("call_1")).as("reserved, not stored yet").isEmpty();
    }

    @Test
    void aStoredFileIsPublishedAndFoundByTheCallThatStoredIt() {
        RunFiles files = run.files();
        String name = files.reserve("notes.md", 5, 5, 1_000, "call_1").name();
        StoredFile file = new StoredFile("dlv_1", name, "text/markdown", 5, "acct_test/test/task_limits/dlv_1");

        assertThat(files.stored(file, "agnt_1")).isTrue();

        assertThat(files.storedBy("call_1")).contains(file);
        assertThat(files.find("notes.md")).contains(file);
        assertThat(events).anySatisfy(e -> assertThat(e.payload()).isInstanceOfSatisfying(DeliverableCreated.class,
                created -> assertThat(created.agentId()).isEqualTo("agnt_1")));
    }

    @Test
    void anEndedTaskReservesAndStoresNothingButARepeatedCallKeepsItsName() {
        RunFiles files = run.files();
        files.reserve("report.md", 10, 5, 1_000, "call_1");
        run.cancel();

        assertThat(files.reserve("other.md", 10, 5, 1_000, "call_2").refusal()).isEqualTo("the task has ended");
        assertThat(files.reserve("report.md", 10, 5, 1_000, "call_1").name()).isEqualTo("report.md");
        assertThat(files.stored(new StoredFile("dlv_1", "report.md", "text/markdown", 10, "k"), "agnt_1")).isFalse();
        assertThat(files.list()).isEmpty();
    }
}
