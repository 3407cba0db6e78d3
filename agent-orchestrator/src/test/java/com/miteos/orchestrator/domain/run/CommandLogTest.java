package com.miteos.orchestrator.domain.run;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A redelivered command is applied once; the log keeps the last {@value CommandLog#REMEMBERED_COMMANDS} ids. */
class CommandLogTest {

    private final CommandLog log = new CommandLog();

    @Test
    void aCommandIsNewOnceAndACommandWithoutAnIdAlways() {
        assertThat(log.firstTime("evt_1")).isTrue();
        assertThat(log.firstTime("evt_1")).isFalse();
        assertThat(log.firstTime(null)).isTrue();
        assertThat(log.firstTime(null)).isTrue();
        assertThat(log.snapshot()).containsExactly("evt_1");
    }

    @Test
    void theOldestIdIsForgottenOnceTheLogIsFull() {
        for (int i = 0; i < CommandLog.REMEMBERED_COMMANDS; i++) {
            log.firstTime("evt_" + i);
        }
        assertThat(log.snapshot()).hasSize(CommandLog.REMEMBERED_COMMANDS).startsWith("evt_0");

        assertThat(log.firstTime("evt_new")).isTrue();

        assertThat(log.snapshot()).hasSize(CommandLog.REMEMBERED_COMMANDS).startsWith("evt_1").endsWith("evt_new");
        assertThat(log.firstTime("evt_1")).as("still remembered").isFalse();
    }

    @Test
    void aRestoredLogRemembersWhatItWasGiven() {
        log.restore(List.of("evt_a", "evt_b"));

        assertThat(log.firstTime("evt_b")).isFalse();
        assertThat(log.snapshot()).containsExactly("evt_a", "evt_b");
    }
}
