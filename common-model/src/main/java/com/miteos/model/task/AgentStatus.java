package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What one agent of a task is doing right now. */
public enum AgentStatus {
    QUEUED("queued"),
    THINKING("thinking"),
    ACTING("acting"),
    WAITING("waiting"),
    DONE("done"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String value;

    AgentStatus(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public boolean isFinished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    @JsonCreator
    public static AgentStatus of(String value) {
        for (AgentStatus status : values()) {
            if (status.value.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown agent status: " + value);
    }
}
