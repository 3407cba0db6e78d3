package com.miteos.orchestrator.port.deploy;

/** A deploy that did not happen; {@code code} and the message end up in the task's {@code deployment.error}. */
public class DeployFailure extends RuntimeException {

    private final String code;

    public DeployFailure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
