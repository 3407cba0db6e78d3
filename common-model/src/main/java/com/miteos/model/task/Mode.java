package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whether an object belongs to live mode ({@code mt_live_} keys, real models) or to sandbox
 * mode ({@code mt_test_} keys, the deterministic sandbox model). Objects never cross modes.
 */
public enum Mode {
    LIVE("live"),
    TEST("test");

    private final String value;

    Mode(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static Mode of(String value) {
        for (Mode mode : values()) {
            if (mode.value.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode: " + value);
    }
}
