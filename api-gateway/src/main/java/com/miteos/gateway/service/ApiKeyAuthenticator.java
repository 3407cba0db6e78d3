package com.miteos.gateway.service;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.repository.ApiKeyLookup;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.HexFormat;

/**
 * Resolves an {@code Authorization: Bearer} header to the calling account and mode. The token
 * is looked up by its hash, so neither a timing difference nor the database reveals tokens.
 *
 * <p>A key found is remembered for {@link #REMEMBERED} (by its token's hash), so a busy key costs
 * one database lookup (and one last-use stamp) per that time rather than per request. A revoked key
 * is therefore refused within that time by every replica, and from the next request on by the
 * replica that revoked it ({@link #forget}). The account's budget limits come with the key and
 * follow the same bound ({@link #forgetAccount}). Unknown tokens are never remembered.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {

    /** How long a key found is used without asking the database again: the bound on a revocation's delay. */
    static final Duration REMEMBERED = Duration.ofMillis(500);
    private static final String BEARER = "Bearer ";

    private final ApiKeyLookup keys;
    private final Cache<String, Caller> found = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBERED)
            .maximumSize(100_000)
            .build();

    public ApiKeyAuthenticator(ApiKeyLookup keys) {
        this.keys = keys;
    }

    /** Forgets a key at once on this replica (it was revoked here); the others forget it within {@link #REMEMBERED}. */
    public void forget(String keyId) {
        found.asMap().values().removeIf(caller -> caller.keyId().equals(keyId));
    }

    /**
     * Forgets every key of an account at once on this replica (its budget limits changed here); the
     * others read the new limits within {@link #REMEMBERED}, as they refuse a revoked key.
     */
    public void forgetAccount(String accountId) {
        found.asMap().values().removeIf(caller -> caller.accountId().equals(accountId));
    }

    /** The caller, or a failure with a 401 {@link ApiProblem}. */
    public Uni<Caller> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Uni.createFrom().failure(unauthorized("Send your API key as 'Authorization: Bearer <token>'."));
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().failure(unauthorized("Only Bearer authentication is supported."));
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (ApiTokens.modeOf(token) == null) {
            return Uni.createFrom().failure(unauthorized(
                    "The token is malformed: expected mt_live_ or mt_test_ followed by 40 characters."));
        }
        byte[] hash = ApiTokens.hash(token);
        String remembered = HexFormat.of().formatHex(hash);
        Caller known = found.getIfPresent(remembered);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return keys.findActiveByHash(hash).flatMap(caller -> {
            if (caller == null) {
                return Uni.createFrom().failure(unauthorized("The API key is unknown or has been revoked."));
            }
            found.put(remembered, caller);
            // Last-use bookkeeping (at most once a minute, by its own guard) must never fail or slow
            // down the request itself.
            keys.touch(caller.keyId()).subscribe().with(ok -> { },
                    e -> Log.warnf("could not record the use of key %s: %s", caller.keyId(), e.getMessage()));
            return Uni.createFrom().item(caller);
        });
    }

    private static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail);
    }
}
