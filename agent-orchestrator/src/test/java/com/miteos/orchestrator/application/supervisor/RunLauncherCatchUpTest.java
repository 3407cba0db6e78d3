package com.miteos.orchestrator.application.supervisor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs of one partition wait on the same catch-up stage. One run giving up on it (its catch-up
 * timeout) must leave the stage to the others: found with 1,000 tasks in one backlog
 * (bench/concurrency.sh), where the first timeout cancelled the shared stage and the 103 runs
 * still waiting on it never started.
 */
class RunLauncherCatchUpTest {

    @Test
    void aRunThatStopsWaitingLeavesTheSharedStageToTheOthers() {
        CompletableFuture<Void> partition = new CompletableFuture<>();
        List<String> started = new CopyOnWriteArrayList<>();
        AtomicInteger timeouts = new AtomicInteger();

        RunLauncher.caughtUpOrTimeout(partition, Duration.ofMillis(50), timeouts::incrementAndGet)
                .subscribe().with(ignored -> started.add("impatient"), failure -> started.add("impatient failed"));
        RunLauncher.caughtUpOrTimeout(partition, Duration.ofSeconds(30), timeouts::incrementAndGet)
                .subscribe().with(ignored -> started.add("patient"), failure -> started.add("patient failed"));

        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("impatient"));
        assertThat(partition).isNotDone();
        assertThat(started).containsExactly("impatient");

        partition.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
        assertThat(started).containsExactly("impatient", "patient");
        assertThat(timeouts).hasValue(1);
    }
}
