package com.miteos.deliverables.rest;

import com.miteos.deliverables.repository.StoredDeliverable;
import com.miteos.deliverables.service.ByteRange;
import com.miteos.deliverables.service.ContentDisposition;
import com.miteos.deliverables.service.DeliverableService;
import com.miteos.deliverables.storage.DeliverableStorage;
import com.miteos.model.task.Mode;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.InternalHeaders;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * The internal deliverable API the gateway calls. Every request names its owner in
 * {@link InternalHeaders}; files of anybody else are not found.
 */
@Path("/internal/tasks/{taskId}/deliverables")
public class InternalDeliverableResource {

    private final DeliverableService deliverables;
    private final DeliverableStorage storage;

    public InternalDeliverableResource(DeliverableService deliverables, DeliverableStorage storage) {
        this.deliverables = deliverables;
        this.storage = storage;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<DeliverableView>> list(@PathParam("taskId") String taskId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode) {
        return deliverables.list(required(accountId), mode(mode), taskId);
    }

    /**
     * The file's bytes, or the one byte range the {@code Range} header asks for (see
     * {@link ByteRange}), streamed from object storage in small chunks on a worker thread, so
     * memory does not grow with the file's size. A range is read from S3 as a ranged GET.
     * {@code If-Range} cannot match (no validators are sent), so with it the whole file is served,
     * as RFC 9110 (13.1.5) requires.
     */
    @GET
    @Path("/{fileId}/content")
    @Blocking
    public Response content(@PathParam("taskId") String taskId, @PathParam("fileId") String fileId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode,
            @HeaderParam("Range") String range,
            @HeaderParam("If-Range") String ifRange) {
        String owner = required(accountId);
        Mode ownerMode = mode(mode);
        StoredDeliverable file = awaitOnVertxContext(() -> deliverables.find(owner, ownerMode, taskId, fileId));
        if (file == null) {
            throw new NotFoundException();
        }
        ByteRange answer = ifRange != null ? ByteRange.whole(file.sizeBytes()) : ByteRange.of(range, file.sizeBytes());
        if (answer.status() == 416) {
            return Response.status(416)
                    .header("Content-Range", answer.contentRange())
                    .header("Accept-Ranges", "bytes")
                    .build();
        }
        StreamingOutput body = out -> {
            if (answer.length() == 0) {
                return;
            }
            try (InputStream in = answer.partial()
                    ? storage.open(file.objectKey(), answer.first(), answer.length())
                    : storage.open(file.objectKey())) {
                copy(in, out);
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException("cannot read " + file.id() + " from object storage", e);
            }
        };
        Response.ResponseBuilder response = Response.status(answer.status())
                .entity(body)
                .type(file.contentType())
                .header(HttpHeaders.CONTENT_LENGTH, answer.length())
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", ContentDisposition.attachment(file.name()))
                .header("X-Content-Type-Options", "nosniff")
                // Should a browser render it anyway, an agent-written page runs with no origin and no scripts.
                .header("Content-Security-Policy", "default-src 'none'; sandbox");
        if (answer.partial()) {
            response.header("Content-Range", answer.contentRange());
        }
        return response.build();
    }

    private static void copy(InputStream in, java.io.OutputStream out) throws java.io.IOException {
        in.transferTo(out);
    }

    /**
     * Waits for a reactive read from this worker thread. Hibernate Reactive runs only on a Vert.x
     * context, which a worker thread does not have: the read is subscribed on one, and awaited here.
     */
    private static <T> T awaitOnVertxContext(Supplier<Uni<T>> read) {
        try {
            return VertxContextSupport.subscribeAndAwait(read);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("reading the deliverable failed", e);
        }
    }

    private static String required(String accountId) {
        if (accountId == null || accountId.isBlank()) {
            throw new BadRequestException("the caller's identity headers are missing");
        }
        return accountId;
    }

    private static Mode mode(String mode) {
        try {
            return Mode.of(mode);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("the caller's mode is missing or unknown");
        }
    }
}
