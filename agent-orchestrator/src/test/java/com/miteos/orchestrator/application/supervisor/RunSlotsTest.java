package com.miteos.orchestrator.application.supervisor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunSlotsTest {

    @Test
    void runsBeyondTheLimitWaitAndStartInOrderAsOthersEnd() {
        RunSlots slots = new RunSlots(2);
        List<String> started = new ArrayList<>();
        for (String run : List.of("a", "b", "c", "d")) {
            slots.acquire(() -> started.add(run));
        }
        assertThat(started).containsExactly("a", "b");
        assertThat(slots.waiting()).isEqualTo(2);

        slots.release();
        assertThat(started).containsExactly("a", "b", "c");
        slots.release();
        slots.release();
        assertThat(started).containsExactly("a", "b", "c", "d");
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void noLimitStartsEverythingAtOnce() {
        RunSlots slots = new RunSlots(0);
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            slots.acquire(() -> started.add("run"));
        }
        assertThat(started).hasSize(1000);
    }

    @Test
    void aNegativeLimitIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new RunSlots(-1)).hasMessageContaining("max-running-tasks");
    }
}
