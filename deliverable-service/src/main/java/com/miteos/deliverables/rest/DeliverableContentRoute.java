package com.miteos.deliverables.rest;

import com.miteos.deliverables.repository.StoredDeliverable;
import com.miteos.deliverables.service.ContentDisposition;
import com.miteos.deliverables.service.DeliverableService;
import com.miteos.deliverables.storage.DeliverableStorage;
import com.miteos.model.http.ByteRange;
import com.miteos.model.task.Mode;
import com.miteos.model.view.InternalHeaders;
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

/**
 * {@code GET /internal/tasks/{taskId}/deliverables/{fileId}/content}: the file's bytes, or the
 * one byte range the {@code Range} header asks for ({@link ByteRange}), piped from S3 to the
 * gateway by the event loop with back-pressure: a Vert.x HTTP client GETs the object through a
 * short-lived presigned URL for the internal endpoint (a ranged GET for a range), so no thread
 * blocks and no file is held in memory. {@code If-Range} cannot match (no validators are sent),
 * so with it the whole file is served, as RFC 9110 (13.1.5) requires.
 *
 * <p>A plain Vert.x route rather than a REST resource: a blocking copy through the REST layer
 * (MinIO SDK stream, worker thread, event loop) cost about three times the CPU per byte.
 *
 * <p>The gateway no longer calls it: it asks for the file's {@code location} and reads S3 itself,
 * one JVM hop less ({@link InternalDeliverableResource#locate}). The route stays for one release, so
 * that gateways of the previous release keep downloading during a rolling upgrade (deliverable-service
 * first); remove it with the release after.
 */
@ApplicationScoped
public class DeliverableContentRoute {

    static final String PATH = "/internal/tasks/:taskId/deliverables/:fileId/content";

    private final DeliverableService deliverables;
    private final DeliverableStorage storage;
    private final HttpClient client;

    public DeliverableContentRoute(DeliverableService deliverables, DeliverableStorage storage, Vertx vertx) {
        this.deliverables = deliverables;
        this.storage = storage;
        // maxChunkSize: the HTTP decoder's pieces, each written (and flushed) to the gateway on its
        // own; the default 8 KiB made 131,072 socket writes of a 1 GiB file, 64 KiB makes 16,384.
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(60)
                .setMaxPoolSize(64).setMaxChunkSize(64 * 1024));
    }

    void register(@Observes Router router) {
        router.get(PATH).order(-100).handler(this::content);
    }

    private void content(RoutingContext ctx) {
        String taskId = ctx.pathParam("taskId");
        String fileId = ctx.pathParam("fileId");
        String accountId = ctx.request().getHeader(InternalHeaders.ACCOUNT_ID);
        Mode mode;
        try {
            mode = Mode.of(ctx.request().getHeader(InternalHeaders.MODE));
        } catch (IllegalArgumentException | NullPointerException e) {
            mode = null;
        }
        if (accountId == null || accountId.isBlank() || mode == null) {
            end(ctx, 400);
            return;
        }
        deliverables.find(accountId, mode, taskId, fileId).subscribe().with(
                file -> {
                    if (file == null) {
                        end(ctx, 404);
                    } else {
                        serve(ctx, file);
                    }
                },
                failure -> {
                    Log.warnf("deliverable %s: lookup failed: %s", fileId, failure.toString());
                    end(ctx, 503);
                });
    }

    private void serve(RoutingContext ctx, StoredDeliverable file) {
        String ifRange = ctx.request().getHeader("If-Range");
        ByteRange answer = ifRange != null ? ByteRange.whole(file.sizeBytes())
                : ByteRange.of(ctx.request().getHeader("Range"), file.sizeBytes());
        HttpServerResponse response = ctx.response().putHeader("Accept-Ranges", "bytes");
        if (answer.status() == 416) {
            response.putHeader("Content-Range", answer.contentRange());
            end(ctx, 416);
            return;
        }
        String url;
        try {
            url = storage.internalReadUrl(file.objectKey());
        } catch (Exception e) {
            Log.warnf("deliverable %s: cannot sign the read: %s", file.id(), e.toString());
            end(ctx, 503);
            return;
        }
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url);
        if (answer.partial()) {
            request.putHeader("Range", "bytes=" + answer.first() + "-" + (answer.first() + answer.length() - 1));
        }
        client.request(request)
                .compose(req -> req.send())
                .onSuccess(upstream -> relay(ctx, upstream, file, answer))
                .onFailure(e -> {
                    Log.warnf("deliverable %s: cannot read from object storage: %s", file.id(), e.toString());
                    end(ctx, 503);
                });
    }

    private void relay(RoutingContext ctx, HttpClientResponse upstream, StoredDeliverable file, ByteRange answer) {
        int expected = answer.partial() ? 206 : 200;
        if (upstream.statusCode() != expected) {
            upstream.body();
            Log.warnf("deliverable %s: object storage answered %d for %s", file.id(), upstream.statusCode(),
                    answer.partial() ? answer.contentRange() : "the whole object");
            end(ctx, upstream.statusCode() == 404 ? 404 : 503);
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(answer.status())
                .putHeader("Content-Type", file.contentType() == null ? "application/octet-stream" : file.contentType())
                .putHeader("Content-Length", String.valueOf(answer.length()))
                .putHeader("Content-Disposition", ContentDisposition.attachment(file.name()))
                .putHeader("X-Content-Type-Options", "nosniff")
                // Should a browser render it anyway, an agent-written page runs with no origin and no scripts.
                .putHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        if (answer.partial()) {
            response.putHeader("Content-Range", answer.contentRange());
        }
        upstream.pipeTo(response).onFailure(e -> Log.warnf("deliverable %s: download broke off: %s", file.id(),
                e.getMessage()));
    }

    private static void end(RoutingContext ctx, int status) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(status).end();
    }
}
