package com.miteos.orchestrator.port.llm;

/**
 * A model call that failed for good (after any retries the provider makes). {@code code}
 * becomes the task's {@code error.code} when the failure ends the task.
 */
public class ModelCallException extends RuntimeException {

    private final String code;

    public ModelCallException(String code, String message) {
        super(message);
        this.code = code;
    }

    public ModelCallException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
