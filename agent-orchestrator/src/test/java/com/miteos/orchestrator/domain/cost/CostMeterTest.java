package com.miteos.orchestrator.domain.cost;

import com.miteos.orchestrator.domain.run.AgentFailure;
import dev.langchain4j.model.output.TokenUsage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a model call and a tool call cost, and where the token budget of a task ends. */
class CostMeterTest {

    private final CostMeter meter = new TestPricing()
            .model("priced-model", "0.5", "1.5")
            .tool("web_search", "0.01")
            .live("live-model", "live-planner", "2", "8")
            .maxTokensPerTask(10_000)
            .meter();

    @Test
    void aModelCallCostsItsInputAndOutputTokensEachAtTheirOwnPricePerThousand() {
        BigDecimal cost = meter.modelCall("priced-model", new TokenUsage(1_000, 2_000));

        assertThat(cost).isEqualByComparingTo("3.5");
    }

    @Test
    void pricesPerThousandTokensAreDividedExactlyForSmallCalls() {
        BigDecimal cost = meter.modelCall("priced-model", new TokenUsage(3, 1));

        assertThat(cost).isEqualByComparingTo("0.003");
    }

    @Test
    void aCallWithoutUsageCostsNothing() {
        assertThat(meter.modelCall("priced-model", null)).isEqualByComparingTo("0");
        assertThat(meter.modelCall("unpriced-model", null)).as("nothing to price, so no price needed")
                .isEqualByComparingTo("0");
    }

    @Test
    void aMissingTokenCountIsCountedAsNone() {
        assertThat(meter.modelCall("priced-model", new TokenUsage(null, 1_000, 1_000))).isEqualByComparingTo("1.5");
        assertThat(meter.modelCall("priced-model", new TokenUsage(1_000, null, 1_000))).isEqualByComparingTo("0.5");
    }

    @Test
    void theLiveModelsArePricedByTheLlmSettingsWhenTheTableDoesNotNameThem() {
        assertThat(meter.modelCall("live-model", new TokenUsage(1_000, 1_000))).isEqualByComparingTo("10");
        assertThat(meter.modelCall("live-planner", new TokenUsage(500, 0))).isEqualByComparingTo("1");
    }

    @Test
    void thePriceTableWinsOverTheLlmSettings() {
        CostMeter listed = new TestPricing().model("live-model", "0.1", "0.1")
                .live("live-model", null, "2", "8").meter();

        assertThat(listed.modelCall("live-model", new TokenUsage(1_000, 1_000))).isEqualByComparingTo("0.2");
    }

    @Test
    void aModelWithoutAPriceIsRefusedRatherThanRunForFree() {
        assertThatThrownBy(() -> meter.modelCall("unpriced-model", new TokenUsage(1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unpriced-model")
                .hasMessageContaining("miteos.pricing.models.\"unpriced-model\"");
    }

    @Test
    void withoutLiveModelsConfiguredAnUnlistedModelIsStillRefused() {
        CostMeter noLive = new TestPricing().meter();

        assertThatThrownBy(() -> noLive.modelCall("live-model", new TokenUsage(1, 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toolsCostTheirListedFeeAndUnlistedToolsNothing() {
        assertThat(meter.toolCall("web_search")).isEqualByComparingTo("0.01");
        assertThat(meter.toolCall("write_file")).isEqualByComparingTo("0");
    }

    @Test
    void tokensUsedAreTheTotalTheModelReported() {
        assertThat(CostMeter.tokensUsed(new TokenUsage(100, 20))).isEqualTo(120);
        assertThat(CostMeter.tokensUsed(new TokenUsage(100, 20, 150))).as("the reported total, not a sum")
                .isEqualTo(150);
        assertThat(CostMeter.tokensUsed(new TokenUsage())).isZero();
        assertThat(CostMeter.tokensUsed(null)).isZero();
    }

    @Test
    void aTaskMayUseExactlyItsTokenBudget() {
        assertThatCode(() -> meter.checkTokenBudget(10_000)).doesNotThrowAnyException();
        assertThatCode(() -> meter.checkTokenBudget(0)).doesNotThrowAnyException();
    }

    @Test
    void oneTokenOverTheBudgetFailsTheTaskWithTokenLimitExceeded() {
        assertThatThrownBy(() -> meter.checkTokenBudget(10_001))
                .isInstanceOfSatisfying(AgentFailure.class,
                        failure -> assertThat(failure.code()).isEqualTo("token_limit_exceeded"))
                .hasMessage("The task used 10001 tokens, more than its budget of 10000.");
    }
}
