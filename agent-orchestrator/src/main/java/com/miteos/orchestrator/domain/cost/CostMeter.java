package com.miteos.orchestrator.domain.cost;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.AgentFailure;
import dev.langchain4j.model.output.TokenUsage;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Prices model calls and tool calls in credits: tokens the model reported times the price
 * table, plus a fee per tool call. A model missing from the table is an operator error that
 * must not make runs free, so it is refused at the first call.
 */
@ApplicationScoped
public class CostMeter {

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final OrchestratorConfig.Pricing pricing;
    private final OrchestratorConfig.Llm llm;
    private final long maxTokensPerTask;

    public CostMeter(OrchestratorConfig config) {
        this.pricing = config.pricing();
        this.llm = config.llm();
        this.maxTokensPerTask = config.agents().maxTokensPerTask();
    }

    /** The tokens a model call used, input and output. */
    public static long tokensUsed(TokenUsage usage) {
        return usage == null || usage.totalTokenCount() == null ? 0 : usage.totalTokenCount();
    }

    /**
     * Enforces the task's token budget once a call is counted: the call that goes over it still
     * counts, and then the task fails with {@code token_limit_exceeded}.
     */
    public void checkTokenBudget(long used) {
        if (used > maxTokensPerTask) {
            throw new AgentFailure("token_limit_exceeded",
                    "The task used " + used + " tokens, more than its budget of " + maxTokensPerTask + ".");
        }
    }

    public BigDecimal modelCall(String model, TokenUsage usage) {
        if (usage == null) {
            return BigDecimal.ZERO;
        }
        OrchestratorConfig.ModelPrice price = pricing.models().get(model);
        BigDecimal inputPer1k;
        BigDecimal outputPer1k;
        if (price != null) {
            inputPer1k = price.inputPer1k();
            outputPer1k = price.outputPer1k();
        } else if (isLiveModel(model)) {
            inputPer1k = llm.priceInputPer1k();
            outputPer1k = llm.priceOutputPer1k();
        } else {
            throw new IllegalStateException("no price configured for model " + model
                    + " (set miteos.pricing.models.\"" + model + "\".*)");
        }
        BigDecimal input = tokens(usage.inputTokenCount()).multiply(inputPer1k);
        BigDecimal output = tokens(usage.outputTokenCount()).multiply(outputPer1k);
        return input.add(output).divide(THOUSAND, MathContext.DECIMAL64);
    }

    private boolean isLiveModel(String model) {
        return llm.model().filter(model::equals).isPresent() || llm.plannerModel().filter(model::equals).isPresent();
    }

    public BigDecimal toolCall(String tool) {
        return pricing.tools().getOrDefault(tool, BigDecimal.ZERO);
    }

    private static BigDecimal tokens(Integer count) {
        return count == null ? BigDecimal.ZERO : BigDecimal.valueOf(count);
    }
}
