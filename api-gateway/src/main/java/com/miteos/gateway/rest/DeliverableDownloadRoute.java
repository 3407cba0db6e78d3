package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.service.ApiKeyAuthenticator;
import com.miteos.gateway.service.DownloadTrace;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.view.InternalHeaders;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.List;

/**
 * {@code GET /v1/tasks/{id}/deliverables/{file_id}/download}: streams a file from
 * deliverable-service to the client. It is a plain Vert.x route, not a REST resource, so the
 * bytes flow through with back-pressure and the gateway never holds a whole file in memory.
 * Being outside the REST layer, it authenticates and applies the rate limit itself. The download
 * is a span of its task's trace ({@link DownloadTrace}).
 */
@ApplicationScoped
public class DeliverableDownloadRoute {

    static final String PATH = "/v1/tasks/:taskId/deliverables/:fileId/download";
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final List<String> PASSED_HEADERS = List.of("Content-Type", "Content-Length",
            "Content-Range", "Accept-Ranges", "Content-Disposition", "X-Content-Type-Options",
            "Content-Security-Policy");
    /** Request headers passed on to deliverable-service, which answers ranges (see its ByteRange). */
    private static final List<String> FORWARDED_HEADERS = List.of("Range", "If-Range");

    private final ApiKeyAuthenticator authenticator;
    private final RateLimitEnforcer rateLimits;
    private final RouteProblems problems;
    private final DownloadTrace trace;
    private final HttpClient client;
    private final URI deliverableService;
    private final int port;
    private final String pathPrefix;

    public DeliverableDownloadRoute(ApiKeyAuthenticator authenticator, RateLimitEnforcer rateLimits,
            RouteProblems problems, DownloadTrace trace, Vertx vertx,
            @ConfigProperty(name = "quarkus.rest-client.deliverable-service.url") URI deliverableService) {
        this.trace = trace;
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.problems = problems;
        this.deliverableService = deliverableService;
        boolean https = "https".equalsIgnoreCase(deliverableService.getScheme());
        // maxChunkSize: the client's HTTP decoder cuts a body into pieces of at most this size, and
        // the pipe writes (and flushes) each piece to the client separately. At the default 8 KiB a
        // 1 GiB download took 131,072 socket writes; at 64 KiB, 16,384 (see bench/downloads.sh).
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(60)
                .setMaxChunkSize(CHUNK_BYTES).setSsl(https));
        this.port = deliverableService.getPort() != -1 ? deliverableService.getPort() : https ? 443 : 80;
        this.pathPrefix = deliverableService.getRawPath() == null ? ""
                : deliverableService.getRawPath().replaceAll("/+$", "");
    }

    void register(@Observes Router router) {
        router.get(PATH).order(-100).handler(this::download);
    }

    private void download(RoutingContext ctx) {
        String taskId = ctx.pathParam("taskId");
        String fileId = ctx.pathParam("fileId");
        Context request = Context.current();
        authenticator.authenticate(ctx.request().getHeader("Authorization"))
                .call(caller -> rateLimits.admit(caller, ctx.response()))
                .subscribe().with(
                        caller -> {
                            if (!Ids.isValid(IdPrefix.TASK, taskId) || !Ids.isValid(IdPrefix.DELIVERABLE, fileId)) {
                                problem(ctx, ApiProblem.notFound("Deliverable " + fileId + " of task " + taskId));
                                return;
                            }
                            trace.start(request, caller, taskId, fileId).subscribe().with(span -> {
                                ctx.addEndHandler(done -> DownloadTrace.end(span, ctx.response().getStatusCode()));
                                stream(ctx, caller, taskId, fileId);
                            }, failure -> problem(ctx, unexpected(failure)));
                        },
                        failure -> problem(ctx, failure instanceof ApiProblem p ? p : unexpected(failure)));
    }

    private void stream(RoutingContext ctx, Caller caller, String taskId, String fileId) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(deliverableService.getHost())
                .setPort(port)
                .setURI(pathPrefix + "/internal/tasks/" + taskId + "/deliverables/" + fileId + "/content")
                .putHeader(InternalHeaders.ACCOUNT_ID, caller.accountId())
                .putHeader(InternalHeaders.MODE, caller.mode().value());
        FORWARDED_HEADERS.forEach(h -> {
            String value = ctx.request().getHeader(h);
            if (value != null) {
                request.putHeader(h, value);
            }
        });
        client.request(request)
                .compose(req -> req.send())
                .onSuccess(upstream -> relay(ctx, upstream, taskId, fileId))
                .onFailure(e -> problem(ctx, unexpected(e)));
    }

    private void relay(RoutingContext ctx, HttpClientResponse upstream, String taskId, String fileId) {
        if (upstream.statusCode() == 404) {
            upstream.body();
            problem(ctx, ApiProblem.notFound("Deliverable " + fileId + " of task " + taskId));
            return;
        }
        if (upstream.statusCode() == 416) {
            upstream.body();
            String contentRange = upstream.getHeader("Content-Range");
            if (contentRange != null) {
                ctx.response().putHeader("Content-Range", contentRange);
            }
            problem(ctx, new ApiProblem(416, "range-not-satisfiable", "Range not satisfiable",
                    "The requested range does not overlap the file"
                            + (contentRange == null ? "" : " (" + contentRange.replace("bytes */", "") + " bytes)")
                            + "."));
            return;
        }
        if (upstream.statusCode() != 200 && upstream.statusCode() != 206) {
            upstream.body();
            problem(ctx, unexpected(new IllegalStateException("deliverable-service answered " + upstream.statusCode())));
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(upstream.statusCode());
        PASSED_HEADERS.forEach(h -> {
            String value = upstream.getHeader(h);
            if (value != null) {
                response.putHeader(h, value);
            }
        });
        upstream.pipeTo(response).onFailure(e -> Log.warnf("task %s: download of %s broke off: %s", taskId, fileId,
                e.getMessage()));
    }

    private static ApiProblem unexpected(Throwable e) {
        Log.warnf("deliverable download failed: %s", e.toString());
        return ApiProblem.unavailable("The file could not be fetched right now; please retry.");
    }

    private void problem(RoutingContext ctx, ApiProblem problem) {
        problems.write(ctx, problem);
    }
}
