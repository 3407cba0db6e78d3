package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.model.http.ByteRange;
import com.miteos.model.view.DeliverableLocation;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers a download with the bytes of a located deliverable ({@link DeliverableLocation}), read
 * from S3 through its presigned internal URL and piped to the client by the event loop with
 * back-pressure: no thread blocks and no file is held in memory. One byte range is served
 * ({@link ByteRange}): the range is worked out here from the recorded size, and S3 is asked for
 * exactly those bytes (a ranged GET), so 206 and 416 answers do not depend on S3's own Range
 * rules. {@code If-Range} cannot match (no validators are sent), so with it the whole file is
 * served, as RFC 9110 (13.1.5) requires.
 */
@ApplicationScoped
public class DeliverableObjectStream {

    private static final int CHUNK_BYTES = 64 * 1024;

    private final HttpClient s3;
    private final RouteProblems problems;

    public DeliverableObjectStream(Vertx vertx, RouteProblems problems) {
        this.problems = problems;
        // maxChunkSize: the client's HTTP decoder cuts a body into pieces of at most this size, and
        // the pipe writes (and flushes) each piece to the client separately. At the default 8 KiB a
        // 1 GiB download took 131,072 socket writes; at 64 KiB, 16,384 (see bench/downloads.sh).
        // maxPoolSize: concurrent downloads each hold a connection to S3 (the default is 5).
        // TracingPolicy.IGNORE: a client span would record the presigned URL, signature included; the
        // download's own span (DownloadTrace) already covers the read.
        this.s3 = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(60)
                .setMaxPoolSize(64).setMaxChunkSize(CHUNK_BYTES).setTracingPolicy(TracingPolicy.IGNORE));
    }

    /** Answers the request for {@code file}: 200, 206, or a problem (416, 404, 503). */
    void serve(RoutingContext ctx, DeliverableLocation file, String taskId) {
        ByteRange answer = ctx.request().getHeader("If-Range") != null ? ByteRange.whole(file.sizeBytes())
                : ByteRange.of(ctx.request().getHeader("Range"), file.sizeBytes());
        ctx.response().putHeader("Accept-Ranges", "bytes");
        if (answer.status() == 416) {
            ctx.response().putHeader("Content-Range", answer.contentRange());
            problems.write(ctx, new ApiProblem(416, "range-not-satisfiable", "Range not satisfiable",
                    "The requested range does not overlap the file (" + file.sizeBytes() + " bytes)."));
            return;
        }
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(file.readUrl());
        if (answer.partial()) {
            request.putHeader("Range", "bytes=" + answer.first() + "-" + (answer.first() + answer.length() - 1));
        }
        s3.request(request)
                .compose(req -> req.send())
                .onSuccess(upstream -> relay(ctx, upstream, file, answer, taskId))
                .onFailure(e -> unavailable(ctx, file, "cannot read from object storage: " + e));
    }

    private void relay(RoutingContext ctx, HttpClientResponse upstream, DeliverableLocation file, ByteRange answer,
            String taskId) {
        // Resetting the S3 read (refused answer, client gone) fails the response stream: expected, not an error.
        upstream.exceptionHandler(e -> Log.debugf("task %s: S3 read of %s ended: %s", taskId, file.id(), e.toString()));
        int expected = answer.partial() ? 206 : 200;
        String length = upstream.getHeader("Content-Length");
        if (upstream.statusCode() != expected || (length != null && !length.equals(String.valueOf(answer.length())))) {
            // Not the bytes announced: never relay them (an unexpected 200 may be the whole object).
            upstream.request().reset();
            if (upstream.statusCode() == 404) {
                Log.warnf("task %s: deliverable %s is listed but not in object storage", taskId, file.id());
                problems.write(ctx, ApiProblem.notFound("Deliverable " + file.id() + " of task " + taskId));
            } else {
                unavailable(ctx, file, "object storage answered " + upstream.statusCode() + " with "
                        + length + " bytes for " + (answer.partial() ? answer.contentRange() : "the whole object")
                        + " of " + file.sizeBytes());
            }
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(answer.status())
                .putHeader("Content-Type", file.type())
                .putHeader("Content-Length", String.valueOf(answer.length()))
                .putHeader("Content-Disposition", file.contentDisposition())
                .putHeader("X-Content-Type-Options", "nosniff")
                // Should a browser render it anyway, an agent-written page runs with no origin and no scripts.
                .putHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        if (answer.partial()) {
            response.putHeader("Content-Range", answer.contentRange());
        }
        upstream.pipeTo(response).onFailure(e -> {
            // The client went away (or S3 did): stop reading the object.
            upstream.request().reset();
            Log.warnf("task %s: download of %s broke off: %s", taskId, file.id(), e.getMessage());
        });
    }

    private void unavailable(RoutingContext ctx, DeliverableLocation file, String why) {
        Log.warnf("deliverable %s: %s", file.id(), why);
        problems.write(ctx, ApiProblem.unavailable("The file could not be fetched right now; please retry."));
    }
}
