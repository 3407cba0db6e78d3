package com.miteos.gateway.client;

import com.miteos.model.view.StreamCursor;
import com.miteos.model.view.StreamEvents;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;

/** task-service's per-task event logs; the gateway's {@code EventStreamHub} asks for all its open streams at once. */
@Path("/internal/task-events")
@RegisterRestClient(configKey = "task-service")
public interface TaskEventApi {

    /** The next events (at most {@code limit} each) after up to 1,000 cursors; tasks with none are left out. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<List<StreamEvents>> after(List<StreamCursor> cursors, @QueryParam("limit") int limit);
}
