package com.miteos.gateway.rest;

import com.miteos.gateway.client.DeliverableLocator;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.service.ApiKeyAuthenticator;
import com.miteos.gateway.service.DownloadTrace;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /v1/tasks/{id}/deliverables/{file_id}/download}: streams a file from S3 to the client.
 * deliverable-service says where the caller's file is (its owner check: another account's file is
 * not found) with a presigned internal S3 read, and {@link DeliverableObjectStream} pipes the bytes
 * from S3 with back-pressure, so the bytes cross one JVM, not two, and the gateway never holds a
 * whole file in memory. It is a plain Vert.x route, not a REST resource; being outside the REST
 * layer, it authenticates and applies the rate limit itself. The download is a span of its task's
 * trace ({@link DownloadTrace}).
 */
@ApplicationScoped
public class DeliverableDownloadRoute {

    static final String PATH = "/v1/tasks/:taskId/deliverables/:fileId/download";

    private final ApiKeyAuthenticator authenticator;
    private final RateLimitEnforcer rateLimits;
    private final RouteProblems problems;
    private final DownloadTrace trace;
    private final DeliverableLocator locator;
    private final DeliverableObjectStream objects;

    public DeliverableDownloadRoute(ApiKeyAuthenticator authenticator, RateLimitEnforcer rateLimits,
            RouteProblems problems, DownloadTrace trace, DeliverableLocator locator, DeliverableObjectStream objects) {
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.problems = problems;
        this.trace = trace;
        this.locator = locator;
        this.objects = objects;
    }

    void register(@Observes Router router) {
        router.get(PATH).order(-100).handler(this::download);
    }

    private void download(RoutingContext ctx) {
        String taskId = ctx.pathParam("taskId");
        String fileId = ctx.pathParam("fileId");
        Context request = Context.current();
        io.vertx.core.Context connection = ctx.vertx().getOrCreateContext();
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
                                locateAndServe(ctx, connection, caller, taskId, fileId);
                            }, failure -> problem(ctx, unexpected(failure)));
                        },
                        failure -> problem(ctx, failure instanceof ApiProblem p ? p : unexpected(failure)));
    }

    private void locateAndServe(RoutingContext ctx, io.vertx.core.Context connection, Caller caller, String taskId,
            String fileId) {
        locator.locate(caller, taskId, fileId).subscribe().with(
                // Back on the connection's event loop: the S3 read and the pipe then run on one thread.
                file -> connection.runOnContext(ignored -> {
                    if (file == null) {
                        problem(ctx, ApiProblem.notFound("Deliverable " + fileId + " of task " + taskId));
                    } else {
                        objects.serve(ctx, file, taskId);
                    }
                }),
                failure -> problem(ctx, failure instanceof ApiProblem p ? p : unexpected(failure)));
    }

    private static ApiProblem unexpected(Throwable e) {
        Log.warnf("deliverable download failed: %s", e.toString());
        return ApiProblem.unavailable("The file could not be fetched right now; please retry.");
    }

    private void problem(RoutingContext ctx, ApiProblem problem) {
        problems.write(ctx, problem);
    }
}
