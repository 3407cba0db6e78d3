package com.miteos.gateway.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Accounts, through Panache. */
@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<AccountEntity, String> {

    @WithTransaction
    public Uni<Void> insert(String id, String name, Instant createdAt) {
        return persist(new AccountEntity(id, name, createdAt)).replaceWithVoid();
    }

    @WithSession
    public Uni<Boolean> exists(String id) {
        return count("id = ?1", id).map(count -> count > 0);
    }
}
