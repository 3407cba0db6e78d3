package com.miteos.orchestrator.adapter.postgres;

import com.miteos.orchestrator.port.journal.PartitionLeases;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Partition leases in PostgreSQL ({@link PartitionLeases}). Acquiring a partition draws a new
 * epoch and re-stamps the partition's unfinished tasks with it in the same transaction: a write
 * of an earlier holder that comes later finds another epoch on the task and is refused
 * ({@link JournalWriter}); one that came first is read back by the claim. Releasing draws an
 * epoch too, so that nothing of the releasing process passes the fence afterwards either.
 */
@ApplicationScoped
class PostgresPartitionLeases implements PartitionLeases {

    private final Pool pool;
    private final StoredTasks stored;
    private final TaskLeases leases;

    PostgresPartitionLeases(Pool pool, StoredTasks stored, TaskLeases leases) {
        this.pool = pool;
        this.stored = stored;
        this.leases = leases;
    }

    @Override
    public Uni<Claim> acquire(int partition, String owner, BooleanSupplier wanted) {
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        INSERT INTO partition_leases (command_partition, owner, epoch)
                        VALUES ($1, $2, nextval('lease_epochs'))
                        ON CONFLICT (command_partition) DO UPDATE
                            SET owner = excluded.owner, epoch = excluded.epoch, changed_at = now()
                        RETURNING epoch""")
                .execute(Tuple.of(partition, owner))
                .map(rows -> rows.iterator().next().getLong("epoch"))
                .flatMap(epoch -> sql.preparedQuery("""
                                UPDATE tasks SET owner = $2, lease_epoch = $3, updated_at = now(),
                                    resumes = resumes + CASE WHEN owner IS NULL THEN 0 ELSE 1 END
                                WHERE command_partition = $1 AND %s
                                RETURNING %s""".formatted(PostgresTaskStore.UNFINISHED, StoredTasks.COLUMNS))
                        .execute(Tuple.of(partition, owner, epoch))
                        .flatMap(rows -> stored.read(sql, rows))
                        .map(tasks -> new Claim(partition, epoch, tasks)))
                // Failing here rolls the transaction back: a stale acquisition leaves the lease as it was.
                .flatMap(claim -> wanted.getAsBoolean() ? Uni.createFrom().item(claim)
                        : Uni.createFrom().<Claim>failure(new NoLongerWanted(partition))))
                .invoke(claim -> leases.holdPartition(partition, claim.epoch()));
    }

    @Override
    public Uni<Void> release(Set<Integer> partitions) {
        return release(leases.dropPartitions(partitions));
    }

    @Override
    public Uni<Void> release(Claim claim) {
        leases.dropPartition(claim.partition(), claim.epoch());
        return release(new Long[] {claim.epoch()});
    }

    private Uni<Void> release(Long[] epochs) {
        if (epochs.length == 0) {
            return Uni.createFrom().voidItem();
        }
        leases.dropTasksOf(epochs);
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        UPDATE partition_leases SET owner = NULL, epoch = nextval('lease_epochs'), changed_at = now()
                        WHERE epoch = ANY($1)""")
                .execute(Tuple.of((Object) epochs))
                .chain(() -> sql.preparedQuery("""
                                UPDATE tasks SET owner = NULL, lease_epoch = NULL, updated_at = now()
                                WHERE lease_epoch = ANY($1) AND %s""".formatted(PostgresTaskStore.UNFINISHED))
                        .execute(Tuple.of((Object) epochs))))
                .replaceWithVoid();
    }
}
