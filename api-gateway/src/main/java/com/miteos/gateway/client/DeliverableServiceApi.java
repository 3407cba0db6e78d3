package com.miteos.gateway.client;

import com.miteos.model.view.DeliverableLocation;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.InternalHeaders;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;

/**
 * deliverable-service's internal API: a task's listing, and where one file is, which
 * {@code DeliverableDownloadRoute} then reads from S3 itself.
 */
@Path("/internal/tasks/{taskId}/deliverables")
@RegisterRestClient(configKey = "deliverable-service")
public interface DeliverableServiceApi {

    @GET
    Uni<List<DeliverableView>> list(@PathParam("taskId") String taskId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode);

    /** The file's metadata and a presigned internal S3 read; 404 for a file that is not the caller's. */
    @GET
    @Path("/{fileId}/location")
    Uni<DeliverableLocation> locate(@PathParam("taskId") String taskId, @PathParam("fileId") String fileId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode);
}
