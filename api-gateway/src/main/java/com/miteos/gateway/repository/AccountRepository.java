package com.miteos.gateway.repository;

import com.miteos.gateway.domain.CostLimits;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.util.function.UnaryOperator;

/** Accounts, through Panache. */
@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<AccountEntity, String> {

    /** An account as operators see it. */
    public record AccountInfo(String id, String name, Instant createdAt, CostLimits costLimits) {
    }

    @WithTransaction
    public Uni<Void> insert(String id, String name, Instant createdAt) {
        return persist(new AccountEntity(id, name, createdAt)).replaceWithVoid();
    }

    @WithSession
    public Uni<Boolean> exists(String id) {
        return count("id = ?1", id).map(count -> count > 0);
    }

    /** The account, or null when there is none. */
    @WithSession
    public Uni<AccountInfo> find(String id) {
        return findById(id).map(account -> account == null ? null : account.toInfo());
    }

    /**
     * Replaces the account's budget limits with what {@code change} makes of the current ones, the
     * row locked meanwhile so that two changes at once cannot combine into limits neither allowed;
     * null when there is no such account. A failure of {@code change} changes nothing.
     */
    @WithTransaction
    public Uni<AccountInfo> changeCostLimits(String id, UnaryOperator<CostLimits> change) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE).map(account -> {
            if (account == null) {
                return null;
            }
            account.setCostLimits(change.apply(account.costLimits()));
            return account.toInfo();
        });
    }
}
