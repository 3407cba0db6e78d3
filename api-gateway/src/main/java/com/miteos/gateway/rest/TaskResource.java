package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.mapping.JsonBody;
import com.miteos.gateway.mapping.ResumeRequestParser;
import com.miteos.gateway.mapping.TaskRequestParser;
import com.miteos.gateway.service.TaskService;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /v1/tasks}: the task endpoints of the public API reference. */
@Path("/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    private final TaskService tasks;
    private final CurrentCaller caller;

    public TaskResource(TaskService tasks, CurrentCaller caller) {
        this.tasks = tasks;
        this.caller = caller;
    }

    @POST
    public Uni<Response> create(String body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        checkIdempotencyKey(idempotencyKey);
        TaskRequestParser.NewTask request = TaskRequestParser.parse(JsonBody.object(body), caller.get().mode());
        return tasks.create(caller.get(), request, idempotencyKey)
                .map(created -> Response.status(Response.Status.CREATED)
                        .location(URI.create("/v1/tasks/" + created.task().id()))
                        .header("Idempotent-Replayed", created.replayed() ? "true" : null)
                        .entity(created.task())
                        .build());
    }

    @GET
    public Uni<TaskPage> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        List<FieldError> errors = new ArrayList<>();
        TaskStatus filter = null;
        if (status != null) {
            filter = TaskStatus.parse(status).orElse(null);
            if (filter == null) {
                errors.add(new FieldError("status", "must be one of " + String.join(", ", TaskStatus.names())));
            }
        }
        int pageSize = integer("limit", limit, 20, 1, 100, errors);
        int skip = integer("offset", offset, 0, 0, Integer.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return tasks.list(caller.get(), filter, pageSize, skip);
    }

    @GET
    @Path("/{id}")
    public Uni<TaskView> get(@PathParam("id") String id) {
        return tasks.get(caller.get(), id);
    }

    @POST
    @Path("/{id}/cancel")
    public Uni<Map<String, Boolean>> cancel(@PathParam("id") String id) {
        return tasks.cancel(caller.get(), id).replaceWith(Map.of("success", true));
    }

    @POST
    @Path("/{id}/pause")
    public Uni<Map<String, Boolean>> pause(@PathParam("id") String id) {
        return tasks.pause(caller.get(), id).replaceWith(Map.of("success", true));
    }

    /** Resumes a paused task; an optional {@code {"message": "..."}} goes to its agents. */
    @POST
    @Path("/{id}/resume")
    public Uni<Map<String, Boolean>> resume(@PathParam("id") String id, String body) {
        String message = body == null || body.isBlank() ? null : ResumeRequestParser.message(JsonBody.object(body));
        return tasks.resume(caller.get(), id, message).replaceWith(Map.of("success", true));
    }

    @GET
    @Path("/{id}/deliverables")
    public Uni<List<DeliverableView>> deliverables(@PathParam("id") String id) {
        return tasks.deliverables(caller.get(), id);
    }

    private static int integer(String field, String value, int fallback, int min, int max, List<FieldError> errors) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below like any other out-of-range value
        }
        errors.add(new FieldError(field, max == Integer.MAX_VALUE ? "must be an integer of at least " + min
                : "must be an integer from " + min + " to " + max));
        return fallback;
    }

    private static void checkIdempotencyKey(String key) {
        if (key == null) {
            return;
        }
        boolean printable = key.chars().allMatch(c -> c >= 0x21 && c < 0x7f);
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !printable) {
            throw ApiProblem.validation(List.of(new FieldError("Idempotency-Key",
                    "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " printable ASCII characters")));
        }
    }
}
