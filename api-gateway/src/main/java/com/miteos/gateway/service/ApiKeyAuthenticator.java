package com.miteos.gateway.service;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.repository.ApiKeyLookup;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Resolves an {@code Authorization: Bearer} header to the calling account and mode. The token
 * is looked up by its hash, so neither a timing difference nor the database reveals tokens;
 * a revoked key fails from the next request on.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {

    private static final String BEARER = "Bearer ";

    private final ApiKeyLookup keys;

    public ApiKeyAuthenticator(ApiKeyLookup keys) {
        this.keys = keys;
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
        return keys.findActiveByHash(ApiTokens.hash(token)).flatMap(caller -> {
            if (caller == null) {
                return Uni.createFrom().failure(unauthorized("The API key is unknown or has been revoked."));
            }
            // Last-use bookkeeping must never fail or slow down the request itself.
            keys.touch(caller.keyId()).subscribe().with(ok -> { },
                    e -> Log.warnf("could not record the use of key %s: %s", caller.keyId(), e.getMessage()));
            return Uni.createFrom().item(caller);
        });
    }

    private static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail);
    }
}
