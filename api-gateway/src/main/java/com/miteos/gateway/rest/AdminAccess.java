package com.miteos.gateway.rest;

import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the admin API ({@code /admin/v1}): the holder of the admin secret, from this host
 * unless remote administration is configured. Without a secret (unset, empty or blank) the admin
 * API does not exist for anyone. Kept apart from {@link AuthenticationFilter} so that each setting
 * can be checked without starting a gateway per setting.
 */
final class AdminAccess {

    /** Null when the admin API is off. */
    private final byte[] token;
    private final boolean fromAnywhere;

    AdminAccess(GatewayConfig.Admin config) {
        this.token = config.token().filter(t -> !t.isBlank())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.fromAnywhere = config.allowRemote();
    }

    /**
     * Null (go on) for the right secret from a caller allowed to use the admin API; otherwise the
     * problem to answer: 404, as if there were no admin API, to a caller who may not use it at
     * all, and 401 to one who may but did not send the secret.
     *
     * @param authorization the request's {@code Authorization} header, or null
     * @param fromLoopback  whether the connection itself comes from this host
     * @param path          the request's path, for the 404's detail
     */
    ApiProblem refusal(String authorization, boolean fromLoopback, String path) {
        if (token == null || !(fromAnywhere || fromLoopback)) {
            return ApiProblem.notFound("Resource " + path);
        }
        byte[] given = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token)) {
            return new ApiProblem(401, "unauthorized", "Unauthorized",
                    "The admin API needs 'Authorization: Bearer <admin token>'.");
        }
        return null;
    }
}
