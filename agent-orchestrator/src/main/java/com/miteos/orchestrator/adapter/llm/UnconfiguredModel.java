package com.miteos.orchestrator.adapter.llm;

import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.mutiny.Uni;

/** Stands in for the live model on a deployment that has none: every call fails at once, clearly. */
public final class UnconfiguredModel implements ModelProvider {

    public static final String CODE = "model_not_configured";

    @Override
    public String modelName(ModelPurpose purpose) {
        return "none";
    }

    @Override
    public Uni<ChatResponse> chat(ModelCall call) {
        return Uni.createFrom().failure(new ModelCallException(CODE,
                "This deployment has no live model configured (set MITEOS_LLM_BASE_URL, MITEOS_LLM_API_KEY and "
                        + "MITEOS_LLM_MODEL). Sandbox (mt_test_) keys work without one."));
    }
}
