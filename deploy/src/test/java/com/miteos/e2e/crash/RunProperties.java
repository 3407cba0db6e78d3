package com.miteos.e2e.crash;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Reads a load test's {@code -D} parameters, with a clear message for a malformed one. */
public final class RunProperties {

    private RunProperties() {
    }

    public static int integer(String property, int fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be an integer, not '" + value + "'", e);
        }
    }

    public static Duration duration(String property, Duration fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(property + " must be an ISO-8601 duration such as PT5M, not '"
                    + value + "'", e);
        }
    }
}
