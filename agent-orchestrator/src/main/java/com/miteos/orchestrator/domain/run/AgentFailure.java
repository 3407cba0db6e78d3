package com.miteos.orchestrator.domain.run;

/** An agent that stopped without finishing its work; {@code code} becomes the task's error code. */
public class AgentFailure extends RuntimeException {

    private final String code;

    public AgentFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
