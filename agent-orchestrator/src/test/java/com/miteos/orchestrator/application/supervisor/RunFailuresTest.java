package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelErrors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user reads of a failed run: the failure's own code, never an internal message. */
class RunFailuresTest {

    @Test
    void aModelCallFailureKeepsItsCodeAndShowsThePublicMessage() {
        ModelCallException failure = new ModelCallException("model_rate_limited", "HTTP 429 from 10.0.0.7");

        TaskError error = RunFailures.classify("task_x", failure);

        assertThat(error.code()).isEqualTo("model_rate_limited");
        assertThat(error.message()).isEqualTo(ModelErrors.publicMessage(failure));
    }

    @Test
    void anAgentFailureIsShownAsItIs() {
        TaskError error = RunFailures.classify("task_x", new AgentFailure("step_limit_exceeded", "Too many steps."));

        assertThat(error).isEqualTo(new TaskError("step_limit_exceeded", "Too many steps."));
    }

    @Test
    void anythingElseIsAnInternalErrorWhoseDetailsStayInTheLog() {
        TaskError error = RunFailures.classify("task_x", new IllegalStateException("pool at 10.0.0.7 exhausted"));

        assertThat(error.code()).isEqualTo("internal_error");
        assertThat(error.message()).doesNotContain("10.0.0.7");
    }
}
