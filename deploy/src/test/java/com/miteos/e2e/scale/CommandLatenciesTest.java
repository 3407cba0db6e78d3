package com.miteos.e2e.scale;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The scale test's command-latency verdict on hand-made samples. */
class CommandLatenciesTest {

    private static final Instant START = Instant.parse("2026-12-04T18:00:00Z");
    private static final Duration CRASH_WINDOW = Duration.ofSeconds(15);
    private static final Duration LIMIT = Duration.ofSeconds(1);

    @Test
    void commandsTheOwnersAppliedWithinTheLimitPassHoweverLateTheReadModelShowedThem() {
        List<PauseProber.Sample> pauses = samples(100, 200, 5_000);

        assertThat(latencies(pauses, List.of(), Optional.empty()).failures(LIMIT)).isEmpty();
    }

    @Test
    void aP99OfAppliedPausesOverTheLimitFails() {
        List<PauseProber.Sample> pauses = samples(100, 1_500, 1_600);
        pauses.add(sample(200, 1_500, 1_600)); // 2 of 100 over the limit: the p99 is one of them

        assertThat(latencies(pauses, List.of(), Optional.empty()).failures(LIMIT))
                .singleElement().asString().startsWith("pauses applied by their owners").contains("p99 1500 ms");
    }

    @Test
    void resumesAreJudgedToo() {
        List<PauseProber.Sample> resumes = samples(50, 1_200, 1_300);

        assertThat(latencies(List.of(), resumes, Optional.empty()).failures(LIMIT))
                .singleElement().asString().startsWith("resumes applied by their owners");
    }

    @Test
    void commandsWaitingInTheKillWindowAreCountedApart() {
        List<PauseProber.Sample> pauses = samples(100, 100, 200);
        Instant kill = START.plusSeconds(300);
        pauses.add(new PauseProber.Sample("task_killed", kill.plusSeconds(2), kill.plusSeconds(8), kill.plusSeconds(9)));
        pauses.add(new PauseProber.Sample("task_killed2", kill.minusMillis(500), kill.plusSeconds(7), kill.plusSeconds(7)));

        CommandLatencies latencies = latencies(pauses, List.of(), Optional.of(kill));

        assertThat(latencies.failures(LIMIT)).isEmpty();
        assertThat(latencies.lines().get(0)).contains("during it: n=2");
        assertThat(latencies(pauses, List.of(), Optional.empty()).failures(LIMIT)).hasSize(1);
    }

    @Test
    void aZeroLimitJudgesNothing() {
        assertThat(latencies(samples(100, 9_000, 9_000), List.of(), Optional.empty()).failures(Duration.ZERO)).isEmpty();
    }

    private static CommandLatencies latencies(List<PauseProber.Sample> pauses, List<PauseProber.Sample> resumes,
            Optional<Instant> kill) {
        return new CommandLatencies(pauses, resumes, kill, CRASH_WINDOW, START);
    }

    /** {@code n} samples, one a second from the start, all but the last applied after 50 ms; the last as given. */
    private static List<PauseProber.Sample> samples(int n, long lastAppliedMs, long lastSeenMs) {
        List<PauseProber.Sample> samples = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            samples.add(sample(i, 50, 150));
        }
        samples.add(sample(n - 1, lastAppliedMs, lastSeenMs));
        return samples;
    }

    private static PauseProber.Sample sample(int second, long appliedMs, long seenMs) {
        Instant answered = START.plusSeconds(second);
        return new PauseProber.Sample("task_" + second, answered, answered.plusMillis(appliedMs),
                answered.plusMillis(seenMs));
    }
}
