package com.miteos.orchestrator.adapter.postgres;

import com.miteos.orchestrator.port.journal.PartitionLeases;
import com.miteos.orchestrator.port.journal.TaskStore.StoredTask;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Partition leases in PostgreSQL ({@link PartitionLeases}). Acquiring partitions draws a new
 * epoch for each and re-stamps their unfinished tasks with it in the same transaction (two
 * statements for all the partitions of an assignment): a write of an earlier holder that comes
 * later finds another epoch on the task and is refused ({@link JournalWriter}); one that came
 * first is read back by the claim. Releasing draws an epoch too, so that nothing of the
 * releasing process passes the fence afterwards either.
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
    public Uni<List<Claim>> acquire(Set<Integer> partitions, String owner, IntPredicate wanted) {
        // In one order everywhere, so that two acquisitions never wait for each other's rows crosswise.
        Integer[] sorted = partitions.stream().sorted().toArray(Integer[]::new);
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        INSERT INTO partition_leases (command_partition, owner, epoch)
                        SELECT partition, $2, nextval('lease_epochs') FROM unnest($1::int[]) AS partition
                        ON CONFLICT (command_partition) DO UPDATE
                            SET owner = excluded.owner, epoch = excluded.epoch, changed_at = now()
                        RETURNING command_partition, epoch""")
                .execute(Tuple.of(sorted, owner))
                .flatMap(leaseRows -> {
                    Map<Integer, Long> epochs = new TreeMap<>();
                    leaseRows.forEach(row -> epochs.put(row.getInteger("command_partition"), row.getLong("epoch")));
                    return sql.preparedQuery("""
                                    UPDATE tasks SET owner = $3, lease_epoch = lease.epoch, updated_at = now(),
                                        resumes = resumes + CASE WHEN owner IS NULL THEN 0 ELSE 1 END
                                    FROM unnest($1::int[], $2::bigint[]) AS lease (command_partition, epoch)
                                    WHERE tasks.command_partition = lease.command_partition AND %s
                                    RETURNING tasks.command_partition, %s""".formatted(
                                    PostgresTaskStore.UNFINISHED, StoredTasks.COLUMNS))
                            .execute(Tuple.of(epochs.keySet().toArray(Integer[]::new),
                                    epochs.values().toArray(Long[]::new), owner))
                            .flatMap(taskRows -> stored.read(sql, taskRows).map(tasks -> claims(epochs, taskRows, tasks)));
                })
                // Failing here rolls the transaction back: a stale acquisition leaves the leases as they were.
                .flatMap(claims -> {
                    Set<Integer> gone = partitions.stream().filter(partition -> !wanted.test(partition))
                            .collect(Collectors.toCollection(TreeSet::new));
                    return gone.isEmpty() ? Uni.createFrom().item(claims)
                            : Uni.createFrom().<List<Claim>>failure(new NoLongerWanted(gone));
                }))
                .invoke(claims -> claims.forEach(claim -> leases.holdPartition(claim.partition(), claim.epoch())));
    }

    /** The claims of the partitions acquired, each with the tasks that came on it. */
    private static List<Claim> claims(Map<Integer, Long> epochs, RowSet<Row> taskRows, List<StoredTask> tasks) {
        Map<String, Integer> partitionOf = new HashMap<>();
        taskRows.forEach(row -> partitionOf.put(row.getString("task_id"), row.getInteger("command_partition")));
        Map<Integer, List<StoredTask>> byPartition = new HashMap<>();
        tasks.forEach(task -> byPartition.computeIfAbsent(partitionOf.get(task.created().taskId()),
                partition -> new ArrayList<>()).add(task));
        List<Claim> claims = new ArrayList<>();
        epochs.forEach((partition, epoch) ->
                claims.add(new Claim(partition, epoch, byPartition.getOrDefault(partition, List.of()))));
        return claims;
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
