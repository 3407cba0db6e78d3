package com.miteos.orchestrator.domain.cost;

import com.miteos.orchestrator.domain.run.AgentFailure;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.output.TokenUsage;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Prices model calls and tool calls in credits: tokens the model reported times the price
 * table, plus a fee per tool call. A model missing from the table is an operator error that
 * must not make runs free, so it is refused at the first call. Made from the configuration by
 * {@code config.CostMeterProducer}.
 */
public class CostMeter {

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final Prices prices;
    private final long maxTokensPerTask;

    public CostMeter(Prices prices, long maxTokensPerTask) {
        this.prices = prices;
        this.maxTokensPerTask = maxTokensPerTask;
    }

    /** The tokens a model call used, input and output. */
    public static long tokensUsed(TokenUsage usage) {
        return usage == null || usage.totalTokenCount() == null ? 0 : usage.totalTokenCount();
    }

    /**
     * Enforces the task's token budget once a call is counted: the call that goes over it still
     * counts, and then the task fails with {@code token_limit_exceeded} (an {@link AgentFailure},
     * the domain's way to end a task with an error code).
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
        Prices.ModelPrice price = prices.of(model).orElseThrow(() -> new IllegalStateException(
                "no price configured for model " + model + " (set miteos.pricing.models.\"" + model + "\".*)"));
        BigDecimal input = tokens(usage.inputTokenCount()).multiply(price.inputPer1k());
        BigDecimal output = tokens(usage.outputTokenCount()).multiply(price.outputPer1k());
        return input.add(output).divide(THOUSAND, MathContext.DECIMAL64);
    }

    /**
     * What a model call can cost at most, before it is made: its input counted as one token per
     * character of the messages and tool specifications (no tokenizer makes fewer characters
     * than tokens of ordinary text, so this errs high), and its output at the call's limit.
     */
    public BigDecimal estimateModelCall(String model, ChatRequest request, int maxOutputTokens) {
        long characters = ChatMessageSerializer.messagesToJson(request.messages()).length();
        if (request.toolSpecifications() != null) {
            characters += String.valueOf(request.toolSpecifications()).length();
        }
        return modelCall(model, new TokenUsage((int) Math.min(Integer.MAX_VALUE, characters), maxOutputTokens));
    }

    public BigDecimal toolCall(String tool) {
        return prices.toolFee(tool);
    }

    private static BigDecimal tokens(Integer count) {
        return count == null ? BigDecimal.ZERO : BigDecimal.valueOf(count);
    }
}
