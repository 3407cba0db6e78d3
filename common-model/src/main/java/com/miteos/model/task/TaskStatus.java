package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The task lifecycle: {@code pending -> planning -> running <-> paused -> complete | failed},
 * and any non-terminal state {@code -> cancelled}. Terminal states never change again.
 */
public enum TaskStatus {
    PENDING("pending"),
    PLANNING("planning"),
    RUNNING("running"),
    PAUSED("paused"),
    COMPLETE("complete"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String value;

    TaskStatus(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public boolean isTerminal() {
        return this == COMPLETE || this == FAILED || this == CANCELLED;
    }

    public static Optional<TaskStatus> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }

    @JsonCreator
    public static TaskStatus of(String value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException("unknown task status: " + value));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(TaskStatus::value).toList();
    }
}
