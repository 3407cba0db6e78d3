package com.miteos.orchestrator.domain.run;

import java.time.Duration;
import java.time.Instant;

/** How long a task has worked: wall-clock time since it started, less the time it was paused. */
final class ActiveTimeClock {

    private long startedAt = System.currentTimeMillis();
    private long pausedSince;
    private long pausedMillis;

    void restore(RunState state) {
        startedAt = state.startedAtMillis();
        pausedMillis = state.pausedMillis();
        pausedSince = state.pausedSinceMillis();
    }

    long startedAt() {
        return startedAt;
    }

    long pausedMillis() {
        return pausedMillis;
    }

    long pausedSince() {
        return pausedSince;
    }

    void pauseStarted() {
        pausedSince = System.currentTimeMillis();
    }

    void pauseEnded() {
        if (pausedSince != 0) {
            pausedMillis += System.currentTimeMillis() - pausedSince;
            pausedSince = 0;
        }
    }

    /** The active time as it will be at {@code at}, if nothing changes until then. */
    Duration activeTime(Instant at) {
        long now = at.toEpochMilli();
        long pausedNow = pausedSince == 0 ? 0 : now - pausedSince;
        return Duration.ofMillis(now - startedAt - pausedMillis - pausedNow);
    }
}
