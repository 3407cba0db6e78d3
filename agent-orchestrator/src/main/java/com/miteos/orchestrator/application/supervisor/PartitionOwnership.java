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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;

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
    /** The acquisition attempt under way for each partition; completes once it committed (and gave back what it must) or failed. */
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

    /**
     * Kafka assigned these partitions: acquires them and resumes their tasks (asynchronously), all
     * in one acquisition, so that an assignment costs one transaction however many partitions it has.
     */
    public void assigned(Set<Integer> partitions) {
        if (stopping) {
            return;
        }
        Map<Integer, CompletableFuture<Void>> assignment = new TreeMap<>();
        for (int partition : partitions) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            if (held.putIfAbsent(partition, ready) == null) {
                assignment.put(partition, ready);
            }
        }
        if (!assignment.isEmpty()) {
            acquire(assignment);
        }
    }

    /** Completes once the tasks of a partition held here are claimed (at once for any other partition). */
    public Uni<Void> ready(int partition) {
        CompletableFuture<Void> ready = held.get(partition);
        return ready == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(ready);
    }

    /**
     * Acquires the partitions of one assignment that are still held here, retrying (with backoff)
     * while any is; each attempt leaves out those taken away meanwhile.
     */
    private void acquire(Map<Integer, CompletableFuture<Void>> assignment) {
        long began = System.nanoTime();
        IntPredicate wanted = partition -> held.get(partition) == assignment.get(partition);
        Uni.createFrom().deferred(() -> attempt(assignment, wanted, began))
                // At once without the partitions taken away meanwhile: each such failure leaves out one more.
                .onFailure(PartitionLeases.NoLongerWanted.class).retry().atMost(assignment.size())
                .onFailure(e -> !(e instanceof PartitionLeases.NoLongerWanted)).invoke(e -> Log.warnf(
                        "partitions %s: could not be acquired yet, retrying: %s", assignment.keySet(), e.toString()))
                .onFailure(e -> assignment.keySet().stream().anyMatch(wanted::test))
                .retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely()
                .subscribe().with(ignored -> assignment.values().forEach(ready -> ready.complete(null)),
                        failure -> assignment.values().forEach(ready -> ready.complete(null)));
    }

    /**
     * One attempt at the partitions still wanted. It counts as under way for each of them (in
     * {@link #acquiring}) until it has committed, given back the claims of partitions taken away
     * just as it committed and resumed the tasks of the others, or failed: a revocation waits for
     * that, and then finds the runs it must stop.
     */
    private Uni<Void> attempt(Map<Integer, CompletableFuture<Void>> assignment, IntPredicate wanted, long began) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Set<Integer> still = new TreeSet<>();
        for (int partition : assignment.keySet()) {
            if (wanted.test(partition)) {
                acquiring.put(partition, done);
                still.add(partition);
            }
        }
        done.whenComplete((ignored, e) -> still.forEach(partition -> acquiring.remove(partition, done)));
        if (still.isEmpty()) {
            done.complete(null);
            return Uni.createFrom().voidItem();
        }
        return leases.acquire(still, instances.id(), wanted)
                .flatMap(claims -> giveBackUnwanted(claims, wanted))
                .invoke(claims -> resume(claims, assignment, began))
                .onTermination().invoke(() -> done.complete(null))
                .replaceWithVoid();
    }

    /** Resumes the tasks of each claim; the commands of its partition go on as soon as its own tasks are back. */
    private void resume(List<PartitionLeases.Claim> claims, Map<Integer, CompletableFuture<Void>> assignment,
            long began) {
        long claimed = System.nanoTime();
        for (PartitionLeases.Claim claim : claims) {
            long resuming = System.nanoTime();
            claim.tasks().forEach(task -> resumer.resume(task, claim.partition()));
            assignment.get(claim.partition()).complete(null);
            Log.infof("partition %d acquired (epoch %d) with %d other(s) in one claim of %d ms: %d unfinished"
                    + " task(s) resumed in %d ms", claim.partition(), claim.epoch(), claims.size() - 1,
                    (claimed - began) / 1_000_000, claim.tasks().size(), (System.nanoTime() - resuming) / 1_000_000);
        }
    }

    /** Taken away again just as they committed: such claims go straight back (a later claim stays). */
    private Uni<List<PartitionLeases.Claim>> giveBackUnwanted(List<PartitionLeases.Claim> claims,
            IntPredicate wanted) {
        List<PartitionLeases.Claim> kept = claims.stream().filter(claim -> wanted.test(claim.partition())).toList();
        List<Uni<Void>> releases = claims.stream().filter(claim -> !wanted.test(claim.partition()))
                .map(claim -> leases.release(claim).onFailure().invoke(e -> Log.warnf(
                        "partition %d: release failed: %s", claim.partition(), e.toString()))
                        .onFailure().recoverWithNull())
                .toList();
        return releases.isEmpty() ? Uni.createFrom().item(kept)
                : Uni.join().all(releases).andCollectFailures().replaceWith(kept);
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

    /**
     * The assignment under which this instance holds a partition now ({@code null}: none). A command
     * is acknowledged only while the assignment it came under still holds ({@link #stillHolds}).
     */
    public Object assignment(int partition) {
        return held.get(partition);
    }

    /**
     * Whether the partition is still held under {@code assignment}: not taken away meanwhile, nor
     * taken away and given back (a new assignment, whose consumer reads the command again).
     */
    public boolean stillHolds(int partition, Object assignment) {
        return assignment != null && held.get(partition) == assignment;
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
     * The process begins to stop: from now on commands for tasks not running here are left
     * unacknowledged, and no partition Kafka still assigns is acquired ({@link #stopping()}).
     */
    void stopTakingCommands() {
        stopping = true;
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
