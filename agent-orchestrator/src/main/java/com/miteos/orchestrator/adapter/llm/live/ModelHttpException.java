package com.miteos.orchestrator.adapter.llm.live;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The model server answered with a status other than 2xx. It carries what the retry decision
 * needs: the status, how long the server asked us to wait ({@code Retry-After}), and the start of
 * the body so that the final error can say what the server complained about.
 *
 * <p>It deliberately is not a LangChain4j {@code HttpException}: LangChain4j's exception mapper
 * would wrap that into its own types, while this one reaches the provider's retry logic unchanged.
 * It has no stack trace because it is created on an event loop, where the stack says nothing.
 */
public final class ModelHttpException extends RuntimeException {

    private final int status;
    private final Duration retryAfter;
    private final String bodySnippet;

    public ModelHttpException(int status, Duration retryAfter, String bodySnippet) {
        super("HTTP " + status + (bodySnippet == null || bodySnippet.isEmpty() ? "" : ": " + bodySnippet),
                null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.bodySnippet = bodySnippet == null ? "" : bodySnippet;
    }

    public int status() {
        return status;
    }

    /** How long the server asked us to wait before trying again, when it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The first characters of the answer's body, whitespace collapsed; empty when there was none. */
    public String bodySnippet() {
        return bodySnippet;
    }

    /**
     * Reads a {@code Retry-After} value (RFC 9110 §10.2.3): either delta-seconds or an HTTP-date.
     * Answers null when the value is missing or unreadable, so that a malformed header falls back
     * to the ordinary backoff instead of failing the call. A date in the past means "now".
     */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            // Servers do send fractions ("1.5") although the RFC says integer; honour them.
            double seconds = Double.parseDouble(trimmed);
            return seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds) ? null
                    : Duration.ofMillis(Math.round(Math.min(seconds, Long.MAX_VALUE / 1000.0) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /** Reads OpenAI's and Azure's {@code retry-after-ms}, which is more precise than {@code Retry-After}. */
    static Duration parseRetryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double millis = Double.parseDouble(value.trim());
            return millis < 0 || Double.isNaN(millis) || Double.isInfinite(millis) ? null
                    : Duration.ofMillis(Math.round(Math.min(millis, Long.MAX_VALUE / 2.0)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
