package com.miteos.orchestrator.cost;

import com.miteos.orchestrator.config.OrchestratorConfig;
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

    public CostMeter(OrchestratorConfig config) {
        this.pricing = config.pricing();
    }

    public BigDecimal modelCall(String model, TokenUsage usage) {
        OrchestratorConfig.ModelPrice price = pricing.models().get(model);
        if (price == null) {
            throw new IllegalStateException("no price configured for model " + model
                    + " (set miteos.pricing.models.\"" + model + "\".*)");
        }
        if (usage == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal input = tokens(usage.inputTokenCount()).multiply(price.inputPer1k());
        BigDecimal output = tokens(usage.outputTokenCount()).multiply(price.outputPer1k());
        return input.add(output).divide(THOUSAND, MathContext.DECIMAL64);
    }

    public BigDecimal toolCall(String tool) {
        return pricing.tools().getOrDefault(tool, BigDecimal.ZERO);
    }

    private static BigDecimal tokens(Integer count) {
        return count == null ? BigDecimal.ZERO : BigDecimal.valueOf(count);
    }
}
