package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a sandbox run ends, chosen by the client through {@code config.sandbox.outcome}. */
public enum SandboxOutcome {
    COMPLETE("complete"),
    FAIL("fail");

    private final String value;

    SandboxOutcome(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static SandboxOutcome of(String value) {
        for (SandboxOutcome outcome : values()) {
            if (outcome.value.equals(value)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown sandbox outcome: " + value);
    }
}
