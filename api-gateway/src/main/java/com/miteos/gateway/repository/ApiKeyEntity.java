package com.miteos.gateway.repository;

import com.miteos.model.task.Mode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A row of {@code api_keys}: only the hash of its token is stored. Flyway owns the table; the
 * lookup by hash on every request is SQL ({@link ApiKeyLookup}).
 */
@Entity
@Table(name = "api_keys")
public class ApiKeyEntity {

    @Id
    private String id;

    @Column(name = "account_id")
    private String accountId;

    private String mode;

    @Column(name = "token_hash")
    private byte[] tokenHash;

    private String prefix;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiKeyEntity() {
    }

    ApiKeyEntity(String id, String accountId, Mode mode, byte[] tokenHash, String prefix, Instant createdAt) {
        this.id = id;
        this.accountId = accountId;
        this.mode = mode.value();
        this.tokenHash = tokenHash;
        this.prefix = prefix;
        this.createdAt = createdAt;
    }

    ApiKeyRepository.KeyInfo toKeyInfo() {
        return new ApiKeyRepository.KeyInfo(id, Mode.of(mode), prefix, seconds(createdAt), seconds(lastUsedAt),
                seconds(revokedAt));
    }

    private static Instant seconds(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
    }
}
