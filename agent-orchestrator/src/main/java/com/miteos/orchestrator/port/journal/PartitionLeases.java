package com.miteos.orchestrator.port.journal;

import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Task ownership by command partition. The instance that consumes partition N of the command
 * topics owns the tasks that came on it: acquiring a partition draws a new epoch and claims its
 * unfinished tasks under it, in one transaction; releasing it ends the epoch. Every later write
 * of those tasks by an earlier holder is refused (the journal is fenced by the epoch).
 */
public interface PartitionLeases {

    /** A partition acquired: its epoch and the unfinished tasks claimed with it, ready to resume. */
    record Claim(int partition, long epoch, List<TaskStore.StoredTask> tasks) {
    }

    /**
     * Acquires partitions for {@code owner}, each under a new epoch, and claims their unfinished
     * tasks, all in one transaction: partitions assigned together cost one connection and one
     * commit, however many they are. A claimed task counts as resumed only when its previous
     * holder did not release it (it crashed, or stalled and was fenced): a handover on a
     * rebalance is not a resume.
     *
     * <p>The acquisition commits only if {@code wanted} still answers true for every partition once
     * everything else is done; otherwise nothing of it is kept, and it fails with
     * {@link NoLongerWanted}. An acquisition that Kafka made stale (a partition was revoked while
     * it ran) must not commit after the next owner's: taking a lease is unconditional, so it would
     * take the partition from the instance Kafka gave it to.
     */
    Uni<List<Claim>> acquire(Set<Integer> partitions, String owner, IntPredicate wanted);

    /** An acquisition rolled back because a partition of it was no longer wanted before it committed. */
    final class NoLongerWanted extends RuntimeException {

        public NoLongerWanted(Set<Integer> partitions) {
            super("partitions " + partitions + " were taken away again while they were being acquired", null, false,
                    false);
        }
    }

    /**
     * Releases partitions this process holds: their epochs end and their unfinished tasks are
     * left without owner for the next holder, which resumes them from their journal.
     */
    Uni<Void> release(Set<Integer> partitions);

    /**
     * Releases one claim that came too late (its partition was taken away again while it was
     * being acquired); a later claim of the same partition is not touched.
     */
    Uni<Void> release(Claim claim);
}
