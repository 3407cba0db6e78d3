package com.miteos.orchestrator.domain.cost;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What things cost in credits: a price per 1,000 tokens for each listed model, the price of the
 * live models for those the table does not list, and a fee per tool call.
 *
 * @param models     prices by model name; these win over {@code live}
 * @param liveModels the names of the live models (agent and planner), priced by {@code live}
 * @param live       the price of the live models
 * @param tools      fees by tool name; a tool not listed costs nothing
 */
public record Prices(Map<String, ModelPrice> models, Set<String> liveModels, ModelPrice live,
        Map<String, BigDecimal> tools) {

    public Prices {
        models = Map.copyOf(models);
        liveModels = Set.copyOf(liveModels);
        tools = Map.copyOf(tools);
    }

    /** Credits per 1,000 input and per 1,000 output tokens. */
    public record ModelPrice(BigDecimal inputPer1k, BigDecimal outputPer1k) {
    }

    /** The price of a model, if it has one. */
    public Optional<ModelPrice> of(String model) {
        ModelPrice listed = models.get(model);
        if (listed != null) {
            return Optional.of(listed);
        }
        return liveModels.contains(model) ? Optional.of(live) : Optional.empty();
    }

    public BigDecimal toolFee(String tool) {
        return tools.getOrDefault(tool, BigDecimal.ZERO);
    }
}
