package com.miteos.tasks.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryScheduleTest {

    private final RetrySchedule schedule = RetrySchedule.parse("5s, 5m,30m,2h,5h,10h");

    @Test
    void theDefaultScheduleSpansAboutADayInSixRetries() {
        assertThat(schedule.waits()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10));
        assertThat(schedule.waits().stream().reduce(Duration.ZERO, Duration::plus))
                .isBetween(Duration.ofHours(17), Duration.ofHours(25));
    }

    @Test
    void eachWaitHasAtMostTwentyPercentJitterAndTheyDiffer() {
        Random random = new Random(7);
        long first = schedule.after(2, random).orElseThrow().toMillis();
        long second = schedule.after(2, random).orElseThrow().toMillis();
        for (long wait : new long[] {first, second}) {
            assertThat(wait).isBetween(240_000L, 360_000L);
        }
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void afterTheLastWaitTheDeliveryHasFailedForGood() {
        assertThat(schedule.after(6, new Random(1))).isPresent();
        assertThat(schedule.after(7, new Random(1))).isEmpty();
        assertThat(schedule.after(0, new Random(1))).isEmpty();
    }

    @Test
    void compressedSchedulesForTestsAndBadEntriesAreRefused() {
        assertThat(RetrySchedule.parse("200ms,1s").waits()).containsExactly(Duration.ofMillis(200), Duration.ofSeconds(1));
        assertThatThrownBy(() -> RetrySchedule.parse("5x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetrySchedule.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }
}
