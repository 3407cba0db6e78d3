package com.miteos.orchestrator.port.llm;

import java.util.Map;

/**
 * What a task's {@code error.message} says when a model call failed. Provider errors carry
 * operator details (server addresses, configuration names, the provider's own text) that are
 * logged but not shown to the task's owner, who gets a fixed sentence per code instead.
 */
public final class ModelErrors {

    private static final Map<String, String> PUBLIC_MESSAGES = Map.of(
            "model_rate_limited", "The model provider is rate-limiting this deployment; please try again later.",
            "model_auth_failed", "The model provider refused this deployment's credentials; an operator must fix them.",
            "model_request_rejected", "The model provider rejected the request.",
            "model_unavailable", "The model provider is unavailable; please try again later.");

    private ModelErrors() {
    }

    /** The message for the task's owner: fixed for provider failures, as given otherwise. */
    public static String publicMessage(ModelCallException failure) {
        return PUBLIC_MESSAGES.getOrDefault(failure.code(), failure.getMessage());
    }
}
