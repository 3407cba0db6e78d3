package com.miteos.orchestrator.domain.cost;

import com.miteos.orchestrator.config.CostMeterProducer;
import com.miteos.orchestrator.config.OrchestratorConfig;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CostMeter} on a price table the test writes, made by {@link CostMeterProducer} from
 * configuration stubs without starting Quarkus: only the settings the producer reads are
 * answered, any other one fails the test loudly.
 */
public final class TestPricing {

    private final Map<String, OrchestratorConfig.ModelPrice> models = new HashMap<>();
    private final Map<String, BigDecimal> tools = new HashMap<>();
    private Optional<String> liveModel = Optional.empty();
    private Optional<String> livePlannerModel = Optional.empty();
    private BigDecimal liveInputPer1k = BigDecimal.ZERO;
    private BigDecimal liveOutputPer1k = BigDecimal.ZERO;
    private long maxTokensPerTask = Long.MAX_VALUE;

    public TestPricing model(String name, String inputPer1k, String outputPer1k) {
        models.put(name, price(new BigDecimal(inputPer1k), new BigDecimal(outputPer1k)));
        return this;
    }

    public TestPricing tool(String name, String perCall) {
        tools.put(name, new BigDecimal(perCall));
        return this;
    }

    /** The live model(s) of miteos.llm.*, priced by price-input/output-per-1k unless listed. */
    public TestPricing live(String model, String plannerModel, String inputPer1k, String outputPer1k) {
        liveModel = Optional.ofNullable(model);
        livePlannerModel = Optional.ofNullable(plannerModel);
        liveInputPer1k = new BigDecimal(inputPer1k);
        liveOutputPer1k = new BigDecimal(outputPer1k);
        return this;
    }

    public TestPricing maxTokensPerTask(long tokens) {
        maxTokensPerTask = tokens;
        return this;
    }

    public CostMeter meter() {
        OrchestratorConfig.Pricing pricing = stub(OrchestratorConfig.Pricing.class,
                Map.of("models", Map.copyOf(models), "tools", Map.copyOf(tools)));
        OrchestratorConfig.Llm llm = stub(OrchestratorConfig.Llm.class, Map.of("model", liveModel,
                "plannerModel", livePlannerModel, "priceInputPer1k", liveInputPer1k,
                "priceOutputPer1k", liveOutputPer1k));
        OrchestratorConfig.Agents agents = stub(OrchestratorConfig.Agents.class,
                Map.of("maxTokensPerTask", maxTokensPerTask));
        // Through the producer, so the tests also cover how the configuration becomes prices.
        return new CostMeterProducer().costMeter(
                stub(OrchestratorConfig.class, Map.of("pricing", pricing, "llm", llm, "agents", agents)));
    }

    private static OrchestratorConfig.ModelPrice price(BigDecimal input, BigDecimal output) {
        return stub(OrchestratorConfig.ModelPrice.class, Map.of("inputPer1k", input, "outputPer1k", output));
    }

    /** A config interface answering {@code answers} by method name. */
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> "stub " + type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> proxy == args[0];
                };
            }
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName()
                        + " is not set in this test");
            }
            return answers.get(method.getName());
        }));
    }
}
