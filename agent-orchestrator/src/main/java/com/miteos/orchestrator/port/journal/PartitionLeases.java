package com.miteos.orchestrator.port.journal;

import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

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
     * Acquires a partition for {@code owner} under a new epoch and claims its unfinished tasks.
     * A claimed task counts as resumed only when its previous holder did not release it (it
     * crashed, or stalled and was fenced): a handover on a rebalance is not a resume.
     *
     * <p>The acquisition commits only if {@code wanted} still answers true once everything else is
     * done; otherwise nothing of it is kept, and it fails with {@link NoLongerWanted}. An
     * acquisition that Kafka made stale (the partition was revoked while it ran) must not commit
     * after the next owner's: taking the lease is unconditional, so it would take the partition
     * from the instance Kafka gave it to.
     */
    Uni<Claim> acquire(int partition, String owner, BooleanSupplier wanted);

    /** An acquisition rolled back because its partition was no longer wanted before it committed. */
    final class NoLongerWanted extends RuntimeException {

        public NoLongerWanted(int partition) {
            super("partition " + partition + " was taken away again while it was being acquired", null, false, false);
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
