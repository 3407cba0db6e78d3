package com.miteos.gateway.client;

import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.InternalHeaders;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;

/** deliverable-service's internal listing API. Downloads are streamed by {@code DeliverableDownloadRoute}. */
@Path("/internal/tasks/{taskId}/deliverables")
@RegisterRestClient(configKey = "deliverable-service")
public interface DeliverableServiceApi {

    @GET
    Uni<List<DeliverableView>> list(@PathParam("taskId") String taskId,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode);
}
