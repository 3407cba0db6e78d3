package com.miteos.gateway.repository;

import com.miteos.gateway.domain.Caller;
import com.miteos.model.task.Mode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SQL for API keys, which are stored and looked up only by the hash of their token. */
@ApplicationScoped
public class ApiKeyRepository {

    private final Pool pool;

    public ApiKeyRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(String id, String accountId, Mode mode, byte[] tokenHash, String prefix,
            Instant createdAt) {
        return pool.preparedQuery("""
                        INSERT INTO api_keys (id, account_id, mode, token_hash, prefix, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.from(Arrays.asList(id, accountId, mode.value(), Buffer.buffer(tokenHash), prefix,
                        createdAt.atOffset(ZoneOffset.UTC))))
                .replaceWithVoid();
    }

    /** The caller a token hash stands for, or null when no live (unrevoked) key has it. */
    public Uni<Caller> findActiveByHash(byte[] tokenHash) {
        return pool.preparedQuery("SELECT id, account_id, mode FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL")
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

    /** A key as operators see it: never its token, only the prefix that identifies it. */
    public record KeyInfo(String id, Mode mode, String prefix, Instant createdAt, Instant lastUsedAt,
            Instant revokedAt) {
    }

    public Uni<List<KeyInfo>> listForAccount(String accountId) {
        return pool.preparedQuery("SELECT id, mode, prefix, created_at, last_used_at, revoked_at"
                        + " FROM api_keys WHERE account_id = $1 ORDER BY created_at, id")
                .execute(Tuple.of(accountId))
                .map(rows -> {
                    List<KeyInfo> keys = new ArrayList<>();
                    rows.forEach(row -> keys.add(new KeyInfo(row.getString("id"), Mode.of(row.getString("mode")),
                            row.getString("prefix"), instant(row.getOffsetDateTime("created_at")),
                            instant(row.getOffsetDateTime("last_used_at")),
                            instant(row.getOffsetDateTime("revoked_at")))));
                    return keys;
                });
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Revokes a key; answers false when there is no such key. Revoking twice is harmless. */
    public Uni<Boolean> revoke(String keyId) {
        return pool.preparedQuery("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1")
                .execute(Tuple.of(keyId))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Caller toCaller(Row row) {
        return new Caller(row.getString("account_id"), Mode.of(row.getString("mode")), row.getString("id"));
    }
}
