package com.miteos.orchestrator.application.tracing;

import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.cost.Prices;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A model call's span: the GenAI attributes and the price from the answer, the messages only when
 * the operator opted in, and a failed call marked as an error with its public code.
 */
class TracedModelTest {

    private static final String MODEL = "gpt-test";
    private static final AttributeKey<String> INPUT = AttributeKey.stringKey("gen_ai.input.messages");
    private static final AttributeKey<String> OUTPUT = AttributeKey.stringKey("gen_ai.output.messages");

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final CostMeter costs = new CostMeter(new Prices(
            Map.of(MODEL, new Prices.ModelPrice(new BigDecimal("0.5"), new BigDecimal("1.5"))), Set.of(), null,
            Map.of()), 1_000_000);

    @Test
    void aCallRecordsTheConventionsAttributesAndItsCostButNoMessages() {
        chat(false, answer());

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("chat " + MODEL);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo(MODEL);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
                .isEqualTo(MODEL + "-2026");
        assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(1000);
        assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(2000);
        assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("length");
        assertThat(span.getAttributes().get(AttributeKey.doubleKey("miteos.cost_usd"))).isCloseTo(3.5, within(1e-9));
        assertThat(span.getAttributes().get(INPUT)).isNull();
        assertThat(span.getAttributes().get(OUTPUT)).isNull();
    }

    @Test
    void theMessagesAreRecordedOnlyWhenTheOperatorOptedIn() {
        chat(true, answer());

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getAttributes().get(INPUT)).contains("a secret prompt");
        assertThat(span.getAttributes().get(OUTPUT)).contains("a private answer");
    }

    @Test
    void aFailedCallIsAnErrorSpanWithItsPublicCode() {
        assertThatThrownBy(() -> chat(false, Uni.createFrom().failure(
                new ModelCallException("model_rate_limited", "slow down")))).isInstanceOf(ModelCallException.class);

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("model_rate_limited");
    }

    private void chat(boolean recordContent, Uni<ChatResponse> answer) {
        ModelProvider model = new ModelProvider() {
            @Override
            public String modelName(ModelPurpose purpose) {
                return MODEL;
            }

            @Override
            public Uni<ChatResponse> chat(ModelCall call) {
                return answer;
            }
        };
        new TracedModel(model, tracing.get("test"), Context.root(), costs, recordContent)
                .chat(new ModelCall(ModelPurpose.AGENT_STEP, "task_1", "researcher",
                        ChatRequest.builder().messages(List.of(UserMessage.from("a secret prompt"))).build()))
                .await().indefinitely();
    }

    private static Uni<ChatResponse> answer() {
        return Uni.createFrom().item(ChatResponse.builder().aiMessage(AiMessage.from("a private answer"))
                .modelName(MODEL + "-2026").tokenUsage(new TokenUsage(1000, 2000)).finishReason(FinishReason.LENGTH)
                .build());
    }
}
