package com.miteos.orchestrator.application.supervisor;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A partition revoked while its acquisition still waits for the database, played step by step. */
final class AcquisitionRace {

    private AcquisitionRace() {
    }

    /**
     * Holds {@code partition}'s lease row locked while {@code assigned} is assigned here (its
     * acquisition waits for the row; {@code whileAcquiring} runs then), revokes {@code partition}
     * meanwhile, and lets the "next owner" take its lease and commit before the acquisition can go on.
     */
    static void revokeWhileTheAcquisitionWaits(Pool pool, PartitionOwnership ownership, int partition,
            Set<Integer> assigned, Runnable whileAcquiring) throws Exception {
        pool.preparedQuery("INSERT INTO partition_leases (command_partition, owner, epoch) VALUES ($1, NULL,"
                + " nextval('lease_epochs')) ON CONFLICT (command_partition) DO NOTHING").execute(Tuple.of(partition))
                .await().indefinitely();
        SqlConnection nextOwner = pool.getConnection().await().indefinitely();
        try {
            Transaction acquisition = nextOwner.begin().await().indefinitely();
            nextOwner.preparedQuery("SELECT 1 FROM partition_leases WHERE command_partition = $1 FOR UPDATE")
                    .execute(Tuple.of(partition)).await().indefinitely();
            ownership.assigned(assigned);
            whileAcquiring.run();
            Thread.sleep(300); // this instance's acquisition now waits for the row

            CompletableFuture<Void> revocation = CompletableFuture.runAsync(() -> ownership.revoked(Set.of(partition)));
            Thread.sleep(300);
            nextOwner.preparedQuery("UPDATE partition_leases SET owner = 'next-owner', epoch = nextval('lease_epochs')"
                    + " WHERE command_partition = $1").execute(Tuple.of(partition)).await().indefinitely();
            acquisition.commit().await().indefinitely();
            revocation.get(30, TimeUnit.SECONDS);
        } finally {
            nextOwner.close().await().indefinitely();
        }
    }
}
