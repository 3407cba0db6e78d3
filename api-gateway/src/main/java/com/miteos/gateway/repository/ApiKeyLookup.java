package com.miteos.gateway.repository;

import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.domain.CostLimits;
import com.miteos.model.task.Mode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The lookup of an API key by the hash of its token, and its last-use stamp: SQL on the reactive
 * PostgreSQL client, not Panache, on purpose. It runs on every authenticated request, and a
 * measurement of this path through Hibernate Reactive cost 25-40 % of the requests per second
 * (a session and an entity per request); the stamp's guard (at most once a minute, by the
 * database's clock) is a single conditional {@code UPDATE}. Creating, listing and revoking keys
 * is {@link ApiKeyRepository}.
 */
@ApplicationScoped
public class ApiKeyLookup {

    private final Pool pool;

    public ApiKeyLookup(Pool pool) {
        this.pool = pool;
    }

    /**
     * The caller a token hash stands for, with its account's budget limits (the same round trip:
     * a join on the account's primary key), or null when no live (unrevoked) key has it.
     */
    public Uni<Caller> findActiveByHash(byte[] tokenHash) {
        return pool.preparedQuery("""
                        SELECT k.id, k.account_id, k.mode, a.default_max_cost, a.max_cost_ceiling
                          FROM api_keys k JOIN accounts a ON a.id = k.account_id
                         WHERE k.token_hash = $1 AND k.revoked_at IS NULL""")
                .execute(Tuple.of(Buffer.buffer(tokenHash)))
                .map(rows -> rows.size() == 0 ? null : toCaller(rows.iterator().next()));
    }

    /** Notes a use of the key, at most once a minute, so that busy keys do not write on every call. */
    public Uni<Void> touch(String keyId) {
        return pool.preparedQuery("""
                        UPDATE api_keys SET last_used_at = now()
                         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')""")
                .execute(Tuple.of(keyId))
                .replaceWithVoid();
    }

    private static Caller toCaller(Row row) {
        return new Caller(row.getString("account_id"), Mode.of(row.getString("mode")), row.getString("id"),
                new CostLimits(row.getBigDecimal("default_max_cost"), row.getBigDecimal("max_cost_ceiling")));
    }
}
