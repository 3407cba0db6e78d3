package com.miteos.deliverables.rest;

import com.miteos.deliverables.service.DeliverableService;
import com.miteos.model.task.Mode;
import com.miteos.model.view.DeliverableLocation;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.InternalHeaders;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The internal deliverable API the gateway calls. Every request names its owner in
 * {@link InternalHeaders}; files of anybody else are not found. The gateway downloads a file from
 * S3 itself, through the presigned read its {@code location} gives; {@link DeliverableContentRoute}
 * still serves the content for gateways of the previous release.
 */
@Path("/internal/tasks/{taskId}/deliverables")
public class InternalDeliverableResource {

    private final DeliverableService deliverables;

    public InternalDeliverableResource(DeliverableService deliverables) {
        this.deliverables = deliverables;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<DeliverableView>> list(@PathParam("taskId") String taskId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode) {
        return deliverables.list(required(accountId), mode(mode), taskId);
    }

    /**
     * Where one file of the owner's task is ({@link DeliverableLocation}: metadata and a presigned
     * internal S3 read, valid for a minute); 404 for a file that is not the caller's.
     */
    @GET
    @Path("{fileId}/location")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<DeliverableLocation> locate(@PathParam("taskId") String taskId, @PathParam("fileId") String fileId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode) {
        return deliverables.locate(required(accountId), mode(mode), taskId, fileId)
                .onItem().ifNull().failWith(NotFoundException::new);
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
