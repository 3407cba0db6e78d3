package com.miteos.orchestrator.adapter.llm.live;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** How long the provider waits between attempts, and how it reads the server's {@code Retry-After}. */
class RetryTimingTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void backoffStartsAtHalfASecondAndDoublesWithJitterInItsUpperHalf() {
        assertThat(LiveModelProvider.delayBefore(2, null, 0.0)).isEqualTo(Duration.ofMillis(250));
        assertThat(LiveModelProvider.delayBefore(2, null, 0.999)).isBetween(Duration.ofMillis(490),
                Duration.ofMillis(500));
        assertThat(LiveModelProvider.delayBefore(3, null, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(LiveModelProvider.delayBefore(4, null, 0.999)).isBetween(Duration.ofMillis(1_990),
                Duration.ofSeconds(2));
    }

    @Test
    void backoffNeverExceedsThirtySeconds() {
        for (int next = 2; next <= 100; next++) {
            assertThat(LiveModelProvider.delayBefore(next, null, 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
        assertThat(LiveModelProvider.delayBefore(50, null, 0.0)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void retryAfterIsWaitedAtLeastButCappedAtSixtySeconds() {
        assertThat(LiveModelProvider.delayBefore(2, Duration.ofSeconds(1), 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LiveModelProvider.delayBefore(2, Duration.ofMinutes(10), 0.5)).isEqualTo(Duration.ofSeconds(60));
        assertThat(LiveModelProvider.delayBefore(6, Duration.ZERO, 0.0)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void retryAfterReadsDeltaSeconds() {
        assertThat(ModelHttpException.parseRetryAfter("1", NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ModelHttpException.parseRetryAfter(" 20 ", NOW)).isEqualTo(Duration.ofSeconds(20));
        assertThat(ModelHttpException.parseRetryAfter("1.5", NOW)).isEqualTo(Duration.ofMillis(1_500));
    }

    @Test
    void retryAfterReadsAnHttpDate() {
        String inFiveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(5).atZone(ZoneOffset.UTC));

        assertThat(ModelHttpException.parseRetryAfter(inFiveSeconds, NOW)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ModelHttpException.parseRetryAfter("Sun, 01 Mar 2026 12:00:07 GMT", NOW))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(ModelHttpException.parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", NOW))
                .as("a date in the past means now").isEqualTo(Duration.ZERO);
    }

    @Test
    void unreadableRetryAfterFallsBackToTheOrdinaryBackoff() {
        assertThat(ModelHttpException.parseRetryAfter(null, NOW)).isNull();
        assertThat(ModelHttpException.parseRetryAfter("", NOW)).isNull();
        assertThat(ModelHttpException.parseRetryAfter("soon", NOW)).isNull();
        assertThat(ModelHttpException.parseRetryAfter("-3", NOW)).isNull();
    }

    @Test
    void retryAfterMillisIsReadToo() {
        assertThat(ModelHttpException.parseRetryAfterMillis("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(ModelHttpException.parseRetryAfterMillis("x")).isNull();
    }
}
