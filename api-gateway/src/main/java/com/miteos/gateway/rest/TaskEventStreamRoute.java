package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.service.ApiKeyAuthenticator;
import com.miteos.gateway.service.EventStreamHub;
import com.miteos.gateway.service.StreamQuota;
import com.miteos.gateway.service.TaskService;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * {@code GET /v1/tasks/{id}/events}: the task's events as {@code text/event-stream}, from the event
 * after {@code Last-Event-ID} (or {@code ?after=}; the header wins, being what a reconnecting
 * EventSource sends) until the terminal event, after which the response ends. A plain Vert.x route,
 * like the download, so that it writes to the connection as events come and sees when the client
 * stops reading; it authenticates and applies the rate limit itself. The events come from
 * {@link EventStreamHub}; the task must be the caller's, as for {@code GET /v1/tasks/{id}}.
 */
@ApplicationScoped
public class TaskEventStreamRoute {

    static final String PATH = "/v1/tasks/:taskId/events";
    static final String MEDIA_TYPE = "text/event-stream";

    private final ApiKeyAuthenticator authenticator;
    private final RateLimitEnforcer rateLimits;
    private final RouteProblems problems;
    private final TaskService tasks;
    private final StreamQuota quota;
    private final EventStreamHub hub;

    public TaskEventStreamRoute(ApiKeyAuthenticator authenticator, RateLimitEnforcer rateLimits,
            RouteProblems problems, TaskService tasks, StreamQuota quota, EventStreamHub hub) {
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.problems = problems;
        this.tasks = tasks;
        this.quota = quota;
        this.hub = hub;
    }

    void register(@Observes Router router) {
        router.get(PATH).order(-100).handler(this::open);
    }

    private void open(RoutingContext ctx) {
        String taskId = ctx.pathParam("taskId");
        Context context = Vertx.currentContext();
        authenticator.authenticate(ctx.request().getHeader("Authorization"))
                .call(caller -> rateLimits.admit(caller, ctx.response()))
                .call(caller -> tasks.get(caller, taskId))
                .subscribe().with(
                        caller -> context.runOnContext(v -> start(ctx, context, caller, taskId)),
                        failure -> problems.write(ctx, failure instanceof ApiProblem p ? p : unexpected(failure)));
    }

    private void start(RoutingContext ctx, Context context, Caller caller, String taskId) {
        long after;
        try {
            after = cursor(ctx);
            quota.acquire(caller.keyId());
        } catch (ApiProblem problem) {
            problems.write(ctx, problem);
            return;
        }
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            quota.release(caller.keyId());
            return;
        }
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", MEDIA_TYPE)
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        SseConnection[] connection = new SseConnection[1];
        connection[0] = new SseConnection(taskId, after, response, context, () -> {
            hub.closed(connection[0]);
            quota.release(caller.keyId());
        });
        response.closeHandler(v -> connection[0].gone());
        response.exceptionHandler(e -> connection[0].gone());
        // A first line flushes the head, so the client knows at once that the stream is open.
        response.write(": stream of " + taskId + " after " + after + "\n\n");
        hub.open(connection[0]);
    }

    /** Where the client stands: Last-Event-ID, else ?after=, else the beginning (0). */
    private static long cursor(RoutingContext ctx) {
        String header = ctx.request().getHeader("Last-Event-ID");
        if (header != null && !header.isBlank()) {
            return parse("Last-Event-ID", header.trim());
        }
        List<String> after = ctx.queryParam("after");
        return after.isEmpty() ? 0 : parse("after", after.get(0));
    }

    private static long parse(String field, String value) {
        try {
            long cursor = Long.parseLong(value);
            if (cursor >= 0) {
                return cursor;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.validation(List.of(new ApiProblem.FieldError(field,
                "must be the id of an event of this stream (a whole number, 0 or more)")));
    }

    private static ApiProblem unexpected(Throwable e) {
        Log.warnf("event stream could not be opened: %s", e.toString());
        return ApiProblem.unavailable("The event stream cannot be opened right now; please retry.");
    }
}
