package com.miteos.deliverables.rest;

import com.miteos.deliverables.service.DeliverableService;
import com.miteos.model.task.Mode;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.InternalHeaders;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The internal deliverable API the gateway calls. Every request names its owner in
 * {@link InternalHeaders}; files of anybody else are not found. A file's content is served by
 * {@link DeliverableContentRoute}.
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
