package com.miteos.orchestrator.config;

import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.cost.Prices;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Makes the {@link CostMeter} from {@code miteos.pricing.*}, {@code miteos.llm.*} and the token budget. */
@ApplicationScoped
public class CostMeterProducer {

    @Produces
    @Singleton
    public CostMeter costMeter(OrchestratorConfig config) {
        return new CostMeter(prices(config.pricing(), config.llm()), config.agents().maxTokensPerTask());
    }

    static Prices prices(OrchestratorConfig.Pricing pricing, OrchestratorConfig.Llm llm) {
        Map<String, Prices.ModelPrice> models = pricing.models().entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> new Prices.ModelPrice(e.getValue().inputPer1k(), e.getValue().outputPer1k())));
        Set<String> live = new HashSet<>();
        llm.model().ifPresent(live::add);
        llm.plannerModel().ifPresent(live::add);
        return new Prices(models, live, new Prices.ModelPrice(llm.priceInputPer1k(), llm.priceOutputPer1k()),
                pricing.tools());
    }
}
