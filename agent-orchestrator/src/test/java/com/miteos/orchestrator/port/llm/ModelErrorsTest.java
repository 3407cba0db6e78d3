package com.miteos.orchestrator.port.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider failures reach a task's owner as fixed sentences; the operator details stay in the logs. */
class ModelErrorsTest {

    @Test
    void providerFailuresHideOperatorDetails() {
        ModelCallException failure = new ModelCallException("model_unavailable",
                "Model server http://10.0.3.7:8000: connection refused; check MITEOS_LLM_BASE_URL");

        assertThat(ModelErrors.publicMessage(failure))
                .doesNotContain("10.0.3.7", "MITEOS_")
                .isEqualTo("The model provider is unavailable; please try again later.");
    }

    @Test
    void otherFailuresKeepTheirOwnMessage() {
        ModelCallException failure = new ModelCallException("invalid_plan", "The model could not produce a valid plan.");

        assertThat(ModelErrors.publicMessage(failure)).isEqualTo("The model could not produce a valid plan.");
    }
}
