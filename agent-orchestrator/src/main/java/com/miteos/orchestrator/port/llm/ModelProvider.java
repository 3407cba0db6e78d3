package com.miteos.orchestrator.port.llm;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.mutiny.Uni;

/**
 * A chat model with tool calling. The agent loop only ever talks to this interface, so the
 * sandbox model and a real LLM run through the same code.
 *
 * <p>Implementations must not block the calling thread: the returned {@link Uni} completes
 * when the model has answered. The response carries token usage, which the cost meter prices.
 */
public interface ModelProvider {

    /** The name of the model that answers calls of this purpose, as the price table knows it. */
    String modelName(ModelPurpose purpose);

    Uni<ChatResponse> chat(ModelCall call);
}
