package com.miteos.gateway.rest;

import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.service.ApiKeyAuthenticator;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Authenticates every request: {@code /v1} with an account's API key, {@code /admin/v1} with
 * the admin secret. Anything else (health, metrics) is not routed through the REST layer.
 * An authenticated key then passes the rate limit ({@link RateLimitEnforcer}).
 */
public class AuthenticationFilter {

    private final ApiKeyAuthenticator authenticator;
    private final RateLimitEnforcer rateLimits;
    private final CurrentCaller currentCaller;
    private final AdminAccess adminAccess;

    public AuthenticationFilter(ApiKeyAuthenticator authenticator, RateLimitEnforcer rateLimits,
            CurrentCaller currentCaller, GatewayConfig config) {
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.currentCaller = currentCaller;
        this.adminAccess = new AdminAccess(config.admin());
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext context, HttpServerRequest request) {
        String path = context.getUriInfo().getPath();
        String authorization = context.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (path.startsWith("/admin/")) {
            return Uni.createFrom().item(admin(authorization, request));
        }
        return authenticator.authenticate(authorization)
                .call(caller -> rateLimits.admit(caller, request.response()))
                .map(caller -> {
                    currentCaller.set(caller);
                    MDC.put("account_id", caller.accountId());
                    return (Response) null;
                })
                .onFailure(ApiProblem.class)
                .recoverWithItem(e -> ProblemMapper.respond((ApiProblem) e, request));
    }

    /**
     * Null (go on) when {@link AdminAccess} lets the caller in; otherwise its problem. The peer
     * address is the connection's own: forwarded-for headers are not trusted here.
     */
    private Response admin(String authorization, HttpServerRequest request) {
        ApiProblem refusal = adminAccess.refusal(authorization, isLoopback(request), request.path());
        return refusal == null ? null : ProblemMapper.respond(refusal, request);
    }

    private static boolean isLoopback(HttpServerRequest request) {
        if (request.remoteAddress() == null || request.remoteAddress().hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(request.remoteAddress().hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
