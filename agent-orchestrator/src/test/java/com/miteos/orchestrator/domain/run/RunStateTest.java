package com.miteos.orchestrator.domain.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored run states outlive the code that wrote them: an older state must still resume. */
class RunStateTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @Test
    void aStateWrittenBeforeNewerFieldsExistedRestoresWithThemEmpty() throws Exception {
        RunState old = json.readValue("""
                {"status":"running","sequence":7,"cost":0.0123,"tokens":900,
                 "agents":[{"id":"agnt_1","type":"writer","status":"thinking","current_tool":null,"progress":40}],
                 "started_at_ms":1795886104581}""", RunState.class);

        TaskRun run = TaskRun.restore("task_old", "acct_test", Mode.TEST, "p", new TaskConfig(1, 90, false, null, null),
                RunJournals.discard(), old, List.of());

        assertThat(run.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(run.state().cost()).isEqualByComparingTo("0.0123");
        assertThat(run.files().list()).isEmpty();
        assertThat(run.files().storedBy("call_1")).isEmpty();
        assertThat(run.agentSteps().start(List.of("writer"))).containsExactly("agnt_1");
    }

    @Test
    void aStateSurvivesItsOwnJsonForm() throws Exception {
        TaskRun run = new TaskRun("task_round", "acct_test", Mode.TEST, "p", new TaskConfig(1, 90, false, null, null),
                RunJournals.discard());
        RunState[] written = new RunState[1];
        TaskRun recorded = new TaskRun("task_round", "acct_test", Mode.TEST, "p",
                new TaskConfig(1, 90, false, null, null), entry -> {
                    written[0] = entry.state();
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                });
        recorded.plan().start();
        recorded.agentSteps().start(List.of("writer"));
        recorded.pause("evt_p");

        RunState back = json.readValue(json.writeValueAsString(written[0]), RunState.class);

        assertThat(back).isEqualTo(written[0]);
        assertThat(run.status()).isEqualTo(TaskStatus.PENDING);
    }
}
