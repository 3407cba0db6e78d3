package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error into RFC 9457 problem details: our own {@link ApiProblem}s, the framework's
 * (unknown path, wrong method, unsupported media type) and anything unexpected, which is logged
 * and answered as a 500 without any internals.
 */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response problem(ApiProblem problem, HttpServerRequest request) {
        return respond(problem, request);
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, request);
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Request error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "No such resource: " + request.path();
            case 405 -> request.method() + " is not allowed on " + request.path() + ".";
            case 406 -> "This resource answers application/json.";
            case 415 -> "Send the request body as application/json.";
            default -> title + ".";
        };
        return respond(new ApiProblem(status, slug(title), title, detail), request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        Log.errorf(e, "unexpected error on %s %s", request.method(), request.path());
        return respond(new ApiProblem(500, "internal-error", "Internal error",
                "Something went wrong on our side. Quote the request id when you report it."), request);
    }

    static Response respond(ApiProblem problem, HttpServerRequest request) {
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(ProblemBody.MEDIA_TYPE)
                .entity(ProblemBody.of(problem, request.path(), RequestIds.of(request.response())));
        if (problem.status() == 401) {
            response.header("WWW-Authenticate", "Bearer realm=\"miteos\"");
        }
        return response.build();
    }

    private static String slug(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
