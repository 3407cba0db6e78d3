package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.DurableJournal;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import com.miteos.orchestrator.port.journal.PartitionLeases;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Task ownership follows the command partitions this instance consumes. When Kafka assigns it
 * partitions, it acquires them (a new epoch each) and resumes their unfinished tasks from their
 * journal; commands of a partition wait until that is done, so that they find their tasks. When
 * Kafka takes partitions away, their runs stop where they are (nothing more is called or
 * written), the journal is flushed and the partitions are released, all before the revocation
 * returns (bounded by the revoke drain timeout), so that the next owner starts from the last
 * entry and counts no resume.
 *
 * <p>An acquisition still under way when its partition is taken away must end before the
 * revocation returns, since Kafka gives the partition to its next owner only then: it commits
 * only while the partition is still held here ({@link PartitionLeases#acquire}), and the
 * revocation waits for it (and for the release of a claim that committed just before). Otherwise
 * it could commit after the next owner's acquisition and take the lease from it: that owner's
 * writes would then be refused, and the commands of the partition dropped as not its own.
 */
@ApplicationScoped
public class PartitionOwnership {

    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);
    private static final Duration RELEASE_AT_LEAST = Duration.ofSeconds(2);

    private final PartitionLeases leases;
    private final InstanceRegistry instances;
    private final RunningTasks running;
    private final TaskResumer resumer;
    private final DurableJournal journal;
    private final Duration drainTimeout;
    /** Partitions held here; each completes once its tasks are claimed and resumed. */
    private final Map<Integer, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
    /** Acquisitions under way; each completes once its claim is resumed, given back, or failed. */
    private final Map<Integer, CompletableFuture<Void>> acquiring = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    PartitionOwnership(PartitionLeases leases, InstanceRegistry instances, RunningTasks running, TaskResumer resumer,
            DurableJournal journal, OrchestratorConfig config) {
        this.leases = leases;
        this.instances = instances;
        this.running = running;
        this.resumer = resumer;
        this.journal = journal;
        this.drainTimeout = config.recovery().revokeDrainTimeout();
    }

    /** Kafka assigned these partitions: acquires them and resumes their tasks (asynchronously). */
    public void assigned(Set<Integer> partitions) {
        if (stopping) {
            return;
        }
        for (int partition : partitions) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            if (held.putIfAbsent(partition, ready) == null) {
                acquire(partition, ready);
            }
        }
    }

    /** Completes once the tasks of a partition held here are claimed (at once for any other partition). */
    public Uni<Void> ready(int partition) {
        CompletableFuture<Void> ready = held.get(partition);
        return ready == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(ready);
    }

    private void acquire(int partition, CompletableFuture<Void> ready) {
        long began = System.nanoTime();
        CompletableFuture<Void> done = new CompletableFuture<>();
        acquiring.put(partition, done);
        done.whenComplete((ignored, e) -> acquiring.remove(partition, done));
        leases.acquire(partition, instances.id(), () -> held.get(partition) == ready)
                .onFailure(e -> !(e instanceof PartitionLeases.NoLongerWanted)).invoke(e -> Log.warnf(
                        "partition %d: could not be acquired yet, retrying: %s", partition, e.toString()))
                .onFailure(e -> held.get(partition) == ready).retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely()
                .subscribe().with(claim -> {
                    if (held.get(partition) != ready) {
                        // Taken away again just as it committed: give it straight back (a later claim stays).
                        leases.release(claim).subscribe().with(ignored -> done.complete(null), e -> {
                            Log.warnf("partition %d: release failed: %s", partition, e.toString());
                            done.complete(null);
                        });
                        return;
                    }
                    long claimed = System.nanoTime();
                    claim.tasks().forEach(task -> resumer.resume(task, partition));
                    ready.complete(null);
                    done.complete(null);
                    Log.infof("partition %d acquired (epoch %d): %d unfinished task(s) resumed; claim %d ms,"
                            + " resume %d ms", partition, claim.epoch(), claim.tasks().size(),
                            (claimed - began) / 1_000_000, (System.nanoTime() - claimed) / 1_000_000);
                }, failure -> {
                    ready.complete(null);
                    done.complete(null);
                });
    }

    /**
     * Waits until the acquisitions of these partitions still under way have ended (at most until
     * {@code deadline}, a {@link System#nanoTime()}): after that, none of them can commit any more.
     */
    private void awaitAcquisitions(Set<Integer> partitions, long deadline) {
        CompletableFuture<?>[] underWay = partitions.stream().map(acquiring::get).filter(f -> f != null)
                .toArray(CompletableFuture[]::new);
        if (underWay.length == 0) {
            return;
        }
        try {
            CompletableFuture.allOf(underWay).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Log.warnf("partitions %s: an acquisition still under way after the drain timeout; it commits only"
                    + " while the partition is held here, which it no longer is", partitions);
        } catch (ExecutionException e) {
            // Each acquisition's future only ever completes normally.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether Kafka gave this partition to this instance and has not taken it away (acquired or not yet). */
    public boolean holds(int partition) {
        return held.containsKey(partition);
    }

    /**
     * Whether this process released its partitions to stop: Kafka may still hand it commands of
     * them until its consumer closes, and those must not be acknowledged (the next owner reads them).
     */
    public boolean stopping() {
        return stopping;
    }

    /**
     * The process stops (its runs are suspended and journaled already): releases every partition
     * while the database is still there, so that the next owners count no resume. Commands that
     * still come for them are left unacknowledged ({@link #stopping()}).
     */
    void releaseAll(Duration within) {
        stopping = true;
        Set<Integer> partitions = Set.copyOf(held.keySet());
        partitions.forEach(partition -> held.remove(partition).complete(null));
        awaitAcquisitions(partitions, System.nanoTime() + within.toNanos());
        try {
            leases.release(partitions).await().atMost(within);
        } catch (RuntimeException e) {
            Log.warnf("could not release partitions %s; their next owners take them over anyway (counting a"
                    + " resume): %s", partitions, e.toString());
        }
    }

    /**
     * Kafka takes these partitions away: their runs stop, the journal is flushed and the
     * partitions are released before this returns (at most the revoke drain timeout, and a little
     * for the release itself). Blocks: called on the consumer's thread, as Kafka requires.
     */
    public void revoked(Set<Integer> partitions) {
        partitions.forEach(partition -> {
            CompletableFuture<Void> ready = held.remove(partition);
            if (ready != null) {
                ready.complete(null);
            }
        });
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        awaitAcquisitions(partitions, deadline);
        List<TaskRun> moving = running.runsOf(partitions);
        moving.forEach(run -> running.forget(run.taskId()));
        try {
            Uni.createFrom().completionStage(journal::whenIdle).await().atMost(drainTimeout);
        } catch (RuntimeException e) {
            Log.warnf("partitions %s: journal not flushed within %s; the next owner goes on from the last"
                    + " entry written: %s", partitions, drainTimeout, e.toString());
        }
        Duration left = Duration.ofNanos(Math.max(RELEASE_AT_LEAST.toNanos(), deadline - System.nanoTime()));
        try {
            leases.release(partitions).await().atMost(left);
            Log.infof("partitions %s released: %d task(s) handed over", partitions, moving.size());
        } catch (RuntimeException e) {
            Log.warnf("partitions %s: release failed; the next owner takes them over anyway (counting a"
                    + " resume): %s", partitions, e.toString());
        }
    }
}
