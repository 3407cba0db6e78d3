package com.miteos.orchestrator.application.tracing;

import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * A model whose every call is a span (a child of {@code parent}: the plan or agent run it works
 * for), named and described as the OpenTelemetry GenAI semantic conventions say: {@code chat
 * <model>}, kind CLIENT, {@code gen_ai.operation.name}, {@code gen_ai.request.model},
 * {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens}/{@code output_tokens},
 * {@code gen_ai.response.finish_reasons}, plus the call's price as {@code miteos.cost_usd}. The
 * messages ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}) only when
 * {@code recordContent}: an operator's opt-in.
 *
 * <p>Neither langchain4j (listeners only) nor the sandbox model (not a langchain4j model at all)
 * makes such spans, so the orchestrator's model port is wrapped instead: sandbox and live calls get
 * the same spans.
 */
final class TracedModel implements ModelProvider {

    private final ModelProvider model;
    private final Tracer tracer;
    private final Context parent;
    private final CostMeter costs;
    private final boolean recordContent;

    TracedModel(ModelProvider model, Tracer tracer, Context parent, CostMeter costs, boolean recordContent) {
        this.model = model;
        this.tracer = tracer;
        this.parent = parent;
        this.costs = costs;
        this.recordContent = recordContent;
    }

    @Override
    public String modelName(ModelPurpose purpose) {
        return model.modelName(purpose);
    }

    @Override
    public Uni<ChatResponse> chat(ModelCall call) {
        String name = modelName(call.purpose());
        var builder = tracer.spanBuilder("chat " + name)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.request.model", name)
                .setAttribute("miteos.task_id", call.taskId())
                .setAttribute("miteos.model.purpose", call.purpose().name().toLowerCase(Locale.ROOT));
        if (call.agentType() != null) {
            builder.setAttribute("gen_ai.agent.name", call.agentType());
        }
        if (recordContent) {
            builder.setAttribute("gen_ai.input.messages", ChatMessageSerializer.messagesToJson(call.request().messages()));
        }
        return UniSpans.within(builder, parent, context -> model.chat(call),
                (span, response) -> answered(span, name, response));
    }

    private void answered(Span span, String name, ChatResponse response) {
        if (response == null) {
            return;
        }
        if (response.modelName() != null) {
            span.setAttribute("gen_ai.response.model", response.modelName());
        }
        if (response.id() != null) {
            span.setAttribute("gen_ai.response.id", response.id());
        }
        if (response.finishReason() != null) {
            span.setAttribute(io.opentelemetry.api.common.AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"),
                    List.of(finishReason(response.finishReason())));
        }
        TokenUsage usage = response.tokenUsage();
        if (usage != null) {
            if (usage.inputTokenCount() != null) {
                span.setAttribute("gen_ai.usage.input_tokens", usage.inputTokenCount().longValue());
            }
            if (usage.outputTokenCount() != null) {
                span.setAttribute("gen_ai.usage.output_tokens", usage.outputTokenCount().longValue());
            }
        }
        cost(name, usage, span);
        if (recordContent && response.aiMessage() != null) {
            span.setAttribute("gen_ai.output.messages", ChatMessageSerializer.messagesToJson(List.of(response.aiMessage())));
        }
    }

    /** The price the task is charged for the call, as the cost meter reckons it (USD). */
    private void cost(String name, TokenUsage usage, Span span) {
        try {
            BigDecimal cost = costs.modelCall(name, usage);
            span.setAttribute("miteos.cost_usd", cost.doubleValue());
        } catch (IllegalStateException unpriced) {
            // A model without a price fails the task elsewhere; the span just has no cost.
        }
    }

    /** The conventions' values: stop, length, content_filter, tool_calls, error. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_EXECUTION -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
    }
}
