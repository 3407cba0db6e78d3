package com.miteos.e2e.scale;

import com.miteos.e2e.scale.OwnershipRecords.Epoch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The scale test's judgement of the journal's ownership records, on hand-made intervals. */
class OwnershipRecordsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

    @Test
    void consecutiveEpochsThatDoNotOverlapGiveTheGapBetweenThem() {
        OwnershipRecords.Analysis analysis = OwnershipRecords.analyse(List.of(
                epoch("task_a", 1, "agent-orchestrator-1", 0, 10_000),
                epoch("task_a", 7, "agent-orchestrator-2", 11_500, 20_000),
                epoch("task_a", 9, "agent-orchestrator-1", 20_000, 25_000),
                epoch("task_b", 2, "agent-orchestrator-1", 0, 5_000)));

        assertThat(analysis.overlapping()).isEmpty();
        assertThat(analysis.tasks()).isEqualTo(2);
        assertThat(analysis.handedOver()).isEqualTo(1);
        assertThat(analysis.gaps()).containsOnlyKeys("task_a");
        assertThat(analysis.gaps().get("task_a")).containsExactly(Duration.ofMillis(1_500), Duration.ZERO);
    }

    @Test
    void anEpochStartingBeforeTheLastWriteOfTheOneBeforeIsAnOverlap() {
        List<Epoch> handover = List.of(
                epoch("task_a", 1, "agent-orchestrator-1", 0, 10_000),
                epoch("task_a", 7, "agent-orchestrator-2", 11_500, 20_000));
        // the same handover with the second epoch shifted 2 s earlier: both instances wrote at once
        List<Epoch> shifted = List.of(handover.get(0), epoch("task_a", 7, "agent-orchestrator-2", 9_500, 18_000));

        assertThat(OwnershipRecords.analyse(handover).overlapping()).isEmpty();
        assertThat(OwnershipRecords.analyse(shifted).overlapping()).containsOnlyKeys("task_a");
        assertThat(OwnershipRecords.analyse(shifted).overlapping().get("task_a"))
                .contains("epoch 1 agent-orchestrator-1").contains("epoch 7 agent-orchestrator-2");
    }

    @Test
    void anEpochInsideALongEarlierOneOverlapsEvenIfItsNeighbourDoesNot() {
        OwnershipRecords.Analysis analysis = OwnershipRecords.analyse(List.of(
                epoch("task_a", 1, "agent-orchestrator-1", 0, 30_000),
                epoch("task_a", 4, "agent-orchestrator-2", 5_000, 6_000),
                epoch("task_a", 5, "agent-orchestrator-3", 10_000, 12_000)));

        assertThat(analysis.overlapping()).containsOnlyKeys("task_a");
        assertThat(analysis.overlapping().get("task_a")).contains("epoch 1").contains("epoch 4");
    }

    @Test
    void gapsAreTakenOnlyFromTheTasksAsked() {
        OwnershipRecords.Analysis analysis = OwnershipRecords.analyse(List.of(
                epoch("task_a", 1, "agent-orchestrator-1", 0, 1_000),
                epoch("task_a", 2, "agent-orchestrator-2", 3_000, 4_000),
                epoch("task_b", 1, "agent-orchestrator-1", 0, 1_000),
                epoch("task_b", 3, "agent-orchestrator-3", 9_000, 9_500)));

        assertThat(OwnershipRecords.gapsOf(analysis, Set.of("task_b"))).containsExactly(Duration.ofSeconds(8));
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = List.of(5L, 1L, 4L, 2L, 3L);
        assertThat(ScaleVerdict.percentile(values, 50)).isEqualTo("3");
        assertThat(ScaleVerdict.percentile(values, 99)).isEqualTo("5");
        assertThat(ScaleVerdict.percentile(values, 100)).isEqualTo("5");
        assertThat(ScaleVerdict.percentile(List.of(), 50)).isEqualTo("n/a");
    }

    private static Epoch epoch(String task, long epoch, String owner, long fromMs, long toMs) {
        return new Epoch(task, epoch, owner, T0.plusMillis(fromMs), T0.plusMillis(toMs));
    }
}
