package com.miteos.gateway.repository;

import com.miteos.model.task.Mode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Creating, listing and revoking API keys, through Panache: the operators' admin calls. The
 * lookup of a key by its token's hash, on every request, is {@link ApiKeyLookup}.
 */
@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKeyEntity, String> {

    private static final Sort OLDEST_FIRST = Sort.ascending("createdAt", "id");

    /** A key as operators see it: never its token, only the prefix that identifies it. */
    public record KeyInfo(String id, Mode mode, String prefix, Instant createdAt, Instant lastUsedAt,
            Instant revokedAt) {
    }

    @WithTransaction
    public Uni<Void> insert(String id, String accountId, Mode mode, byte[] tokenHash, String prefix,
            Instant createdAt) {
        return persist(new ApiKeyEntity(id, accountId, mode, tokenHash, prefix, createdAt)).replaceWithVoid();
    }

    @WithSession
    public Uni<List<KeyInfo>> listForAccount(String accountId) {
        return find("accountId = ?1", OLDEST_FIRST, accountId).list()
                .map(keys -> keys.stream().map(ApiKeyEntity::toKeyInfo).toList());
    }

    /** Revokes a key; answers false when there is no such key. Revoking twice is harmless. */
    @WithTransaction
    public Uni<Boolean> revoke(String keyId) {
        return update("revokedAt = coalesce(revokedAt, current_timestamp) where id = ?1", keyId)
                .map(updated -> updated == 1);
    }
}
