package com.miteos.orchestrator.application.metrics;

import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * A model whose calls are timed (retries included: the time an agent waited for its answer) and
 * whose tokens are counted, by model name as the price table knows it. A call the task gave up on
 * (cancelled) counts as {@code cancelled}; a failed one by its public error code.
 */
final class MeteredModel implements ModelProvider {

    private final ModelProvider model;
    private final MeterRegistry registry;

    MeteredModel(ModelProvider model, MeterRegistry registry) {
        this.model = model;
        this.registry = registry;
    }

    @Override
    public String modelName(ModelPurpose purpose) {
        return model.modelName(purpose);
    }

    @Override
    public Uni<ChatResponse> chat(ModelCall call) {
        String name = modelName(call.purpose());
        String purpose = call.purpose().name().toLowerCase(java.util.Locale.ROOT);
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return model.chat(call)
                    .onItemOrFailure().invoke((response, failure) -> {
                        timer(name, purpose, failure == null ? "ok" : outcome(failure)).record(System.nanoTime() - start,
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                        if (response != null) {
                            tokens(name, response.tokenUsage());
                        }
                    })
                    .onCancellation().invoke(() -> timer(name, purpose, "cancelled")
                            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
        });
    }

    private static String outcome(Throwable failure) {
        return failure instanceof ModelCallException e ? e.code() : "error";
    }

    private Timer timer(String name, String purpose, String outcome) {
        return Timer.builder("miteos.model.call.duration")
                .description("Model calls, from request to answer (retries included), by model, purpose and outcome")
                .serviceLevelObjectives(OrchestratorMetrics.MODEL_CALL_BUCKETS)
                .tags("model", name, "purpose", purpose, "outcome", outcome)
                .register(registry);
    }

    private void tokens(String name, TokenUsage usage) {
        if (usage == null) {
            return;
        }
        count(name, "input", usage.inputTokenCount());
        count(name, "output", usage.outputTokenCount());
    }

    private void count(String name, String direction, Integer tokens) {
        Counter.builder("miteos.model.tokens")
                .description("Tokens of model calls as the model reported them, by model and direction (input, output)")
                .baseUnit("tokens")
                .tags("model", name, "direction", direction)
                .register(registry).increment(tokens == null ? 0 : tokens);
    }
}
