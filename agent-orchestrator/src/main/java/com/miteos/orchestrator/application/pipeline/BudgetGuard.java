package com.miteos.orchestrator.application.pipeline;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;

/**
 * Keeps a task within its budget cap ({@code max_cost}): before each model or tool call it
 * reserves the call's estimated price in the run's budget (which pauses the task with
 * {@code budget_exhausted} when the call does not fit), and the caller releases the reservation
 * once the real cost is recorded. Tasks without a cap pass straight through.
 */
@ApplicationScoped
public class BudgetGuard {

    private final CostMeter costs;
    private final int maxOutputTokens;

    @Inject
    public BudgetGuard(CostMeter costs, OrchestratorConfig config) {
        this(costs, config.agents().maxOutputTokensPerCall());
    }

    public BudgetGuard(CostMeter costs, int maxOutputTokens) {
        this.costs = costs;
        this.maxOutputTokens = maxOutputTokens;
    }

    /** The request to send: with the output limit the estimate counts on, when the task has a cap. */
    public ChatRequest limited(TaskRun run, ChatRequest request) {
        if (!run.budget().capped()) {
            return request;
        }
        return ChatRequest.builder().messages(request.messages()).parameters(request.parameters()
                .overrideWith(ChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build())).build();
    }

    /** Reserves the estimated price of a model call; answers the amount to release after it. */
    public Uni<BigDecimal> beforeModelCall(TaskRun run, ModelProvider model, ModelPurpose purpose,
            ChatRequest request) {
        if (!run.budget().capped()) {
            return Uni.createFrom().item(BigDecimal.ZERO);
        }
        BigDecimal estimate = costs.estimateModelCall(model.modelName(purpose), request, maxOutputTokens);
        return run.budget().reserve(estimate).replaceWith(estimate);
    }

    /** Reserves a tool call's fee; answers the amount to release after it. */
    public Uni<BigDecimal> beforeToolCall(TaskRun run, BigDecimal fee) {
        if (fee.signum() <= 0 || !run.budget().capped()) {
            return Uni.createFrom().item(BigDecimal.ZERO);
        }
        return run.budget().reserve(fee).replaceWith(fee);
    }

    public void release(TaskRun run, BigDecimal reserved) {
        if (reserved.signum() > 0) {
            run.budget().release(reserved);
        }
    }
}
