package com.miteos.gateway.rest;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.util.regex.Pattern;

/**
 * Gives every response an {@code X-Request-Id}: the caller's own, when it is a sensible token,
 * or a new one. It also goes into the log context, so a support request can find its logs.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    void register(@Observes Filters filters) {
        filters.register(ctx -> {
            String given = ctx.request().getHeader(HEADER);
            String id = given != null && ACCEPTABLE.matcher(given).matches()
                    ? given : "req_" + Ids.newId(IdPrefix.EVENT).substring(4);
            ctx.response().putHeader(HEADER, id);
            MDC.put("request_id", id);
            ctx.next();
        }, 1000);
    }

    /** The request id already put on this response. */
    public static String of(io.vertx.core.http.HttpServerResponse response) {
        return response.headers().get(HEADER);
    }
}
