package com.miteos.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.domain.ApiProblem;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Problem details for what is answered below the REST layer: plain Vert.x routes (downloads)
 * and the HTTP server's own refusals, such as a body over the size limit (413).
 */
@ApplicationScoped
public class RouteProblems {

    private final ObjectMapper json;
    private final long maxBodyBytes;

    public RouteProblems(ObjectMapper json,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.json = json;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    /**
     * A declared body over the limit is refused before it is read, as a problem. (The server
     * enforces the same limit on bodies without a length, but answers those with a bare 413.)
     */
    void register(@Observes Filters filters) {
        filters.register(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && isOver(length)) {
                ctx.response().putHeader("Connection", "close");
                write(ctx, new ApiProblem(413, "body-too-large", "Request body too large",
                        "The request body may be at most " + maxBodyBytes + " bytes."));
                return;
            }
            ctx.next();
        }, 900);
    }

    private boolean isOver(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public void write(RoutingContext ctx, ApiProblem problem) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            // Too late for a problem: the client sees the connection end instead of a truncated file.
            response.reset();
            return;
        }
        ProblemBody body = ProblemBody.of(problem, ctx.request().path(), RequestIds.of(response));
        response.setStatusCode(problem.status()).putHeader("Content-Type", ProblemBody.MEDIA_TYPE);
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"miteos\"");
        }
        try {
            response.end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }
}
