package com.miteos.gateway.client;

import com.miteos.model.view.InternalHeaders;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;
import java.util.Map;

/** task-service's internal API. Use it through {@link TaskReadModel}. */
@Path("/internal/tasks")
@RegisterRestClient(configKey = "task-service")
public interface TaskServiceApi {

    @GET
    @Path("/{id}")
    Uni<TaskView> get(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode,
            @QueryParam("wait_ms") long waitMs);

    @GET
    @Path("/active-count")
    Uni<Map<String, Long>> activeCount(@HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode);

    /** Which of these task ids the read model shows (at most 1,000 at once). */
    @POST
    @Path("/shown")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<List<String>> shown(List<String> ids);

    @GET
    Uni<TaskPage> list(@HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode,
            @QueryParam("status") String status,
            @QueryParam("limit") int limit,
            @QueryParam("offset") int offset);
}
