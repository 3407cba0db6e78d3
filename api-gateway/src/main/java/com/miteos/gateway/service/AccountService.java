package com.miteos.gateway.service;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.mapping.CostLimitsPatch;
import com.miteos.gateway.repository.AccountRepository;
import com.miteos.gateway.repository.ApiKeyRepository;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.time.temporal.ChronoUnit;

/** Creates accounts and sets their budget limits, and mints and revokes their API keys. */
@ApplicationScoped
public class AccountService {

    private final AccountRepository accounts;
    private final ApiKeyRepository keys;
    private final ApiKeyAuthenticator authenticator;

    public AccountService(AccountRepository accounts, ApiKeyRepository keys, ApiKeyAuthenticator authenticator) {
        this.accounts = accounts;
        this.keys = keys;
        this.authenticator = authenticator;
    }

    public Uni<NewAccount> createAccount(String name) {
        NewAccount account = new NewAccount(Ids.newId(IdPrefix.ACCOUNT), name, now());
        return accounts.insert(account.id(), account.name(), account.createdAt()).replaceWith(account);
    }

    /** A new key; its token is in the answer and nowhere else, ever. */
    public Uni<NewKey> createKey(String accountId, Mode mode) {
        return accounts.exists(accountId).flatMap(exists -> {
            if (!exists) {
                return Uni.createFrom().failure(ApiProblem.notFound("Account " + accountId));
            }
            String token = ApiTokens.mint(mode);
            NewKey key = new NewKey(Ids.newId(IdPrefix.KEY), accountId, mode, token, ApiTokens.displayPrefix(token),
                    now());
            return keys.insert(key.id(), accountId, mode, ApiTokens.hash(token), key.prefix(), key.createdAt())
                    .replaceWith(key);
        });
    }

    /** The account's keys, newest last; a 404 problem for an unknown account. */
    public Uni<List<ApiKeyRepository.KeyInfo>> keys(String accountId) {
        return accounts.exists(accountId).flatMap(exists -> exists ? keys.listForAccount(accountId)
                : Uni.createFrom().failure(ApiProblem.notFound("Account " + accountId)));
    }

    /** The account; a 404 problem for an unknown one. */
    public Uni<AccountRepository.AccountInfo> account(String accountId) {
        return accounts.find(accountId).onItem().ifNull().failWith(() -> ApiProblem.notFound("Account " + accountId));
    }

    /**
     * Changes the account's budget limits; a 404 problem for an unknown account. This replica's
     * remembered keys of the account are forgotten at once, so its next request has the new limits
     * here and within {@link ApiKeyAuthenticator#REMEMBERED} everywhere.
     */
    public Uni<AccountRepository.AccountInfo> changeCostLimits(String accountId, CostLimitsPatch patch) {
        return accounts.changeCostLimits(accountId, patch::applyTo)
                .onItem().ifNull().failWith(() -> ApiProblem.notFound("Account " + accountId))
                .invoke(() -> authenticator.forgetAccount(accountId));
    }

    public Uni<Void> revokeKey(String keyId) {
        return keys.revoke(keyId).flatMap(found -> found ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(ApiProblem.notFound("Key " + keyId)))
                .invoke(() -> authenticator.forget(keyId));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    public record NewAccount(String id, String name, Instant createdAt) {
    }

    public record NewKey(String id, String accountId, Mode mode, String token, String prefix, Instant createdAt) {
    }
}
