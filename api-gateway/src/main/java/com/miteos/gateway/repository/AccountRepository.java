package com.miteos.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;

/** SQL for accounts. */
@ApplicationScoped
public class AccountRepository {

    private final Pool pool;

    public AccountRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(String id, String name, Instant createdAt) {
        return pool.preparedQuery("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
                .execute(Tuple.of(id, name, createdAt.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    public Uni<Boolean> exists(String id) {
        return pool.preparedQuery("SELECT 1 FROM accounts WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() > 0);
    }
}
