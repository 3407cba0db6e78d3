package com.miteos.gateway.rest;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.mapping.JsonBody;
import com.miteos.gateway.mapping.ResumeRequestParser;
import com.miteos.gateway.mapping.TaskRequestParser;
import com.miteos.gateway.service.DeliverableListing;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/tasks}: the task endpoints of the public API reference. The OpenAPI annotations
 * refer to the components of {@code META-INF/openapi.yaml}; PublicApiDocument adds the
 * responses every operation shares (401, 429, 500, 503).
 */
@Path("/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks")
public class TaskResource {

    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    private final TaskService tasks;
    private final DeliverableListing deliverables;
    private final CurrentCaller caller;

    public TaskResource(TaskService tasks, DeliverableListing deliverables, CurrentCaller caller) {
        this.tasks = tasks;
        this.deliverables = deliverables;
        this.caller = caller;
    }

    @POST
    @Operation(operationId = "createTask", summary = "Create a task",
            description = "Creates a task and dispatches agents to carry out its prompt. The answer comes at once, "
                    + "with the task pending; agents work asynchronously. A task without config.max_cost gets its "
                    + "account's default budget cap (or, without one, its ceiling), shown in its config.")
    @APIResponse(responseCode = "201", ref = "TaskCreated")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "422", ref = "IdempotencyKeyReusedOrCapAboveCeiling")
    @APIResponse(responseCode = "429", ref = "TooManyRequestsOrTasks")
    public Uni<Response> create(@RequestBody(ref = "CreateTask") String body,
            @Parameter(ref = "IdempotencyKey") @HeaderParam("Idempotency-Key") String idempotencyKey) {
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
    @Operation(operationId = "listTasks", summary = "List tasks",
            description = "The caller's tasks in its mode, newest first, a page at a time.")
    @APIResponse(responseCode = "200", ref = "TaskPage")
    @APIResponse(responseCode = "400", ref = "InvalidQuery")
    public Uni<TaskPage> list(@Parameter(ref = "Status") @QueryParam("status") String status,
            @Parameter(ref = "Limit") @QueryParam("limit") String limit,
            @Parameter(ref = "Offset") @QueryParam("offset") String offset) {
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
    @Operation(operationId = "getTask", summary = "Get a task",
            description = "The task with its agents' statuses, its cost so far and how many deliverables it has.")
    @APIResponse(responseCode = "200", ref = "Task")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<TaskView> get(@Parameter(ref = "TaskId") @PathParam("id") String id) {
        return tasks.get(caller.get(), id);
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(operationId = "cancelTask", summary = "Cancel a task",
            description = "Stops an unfinished task for good: its agents stop, nothing more is charged, the "
                    + "deliverables already produced stay. Cancelling a cancelled task succeeds again; a complete or "
                    + "failed task cannot be cancelled.")
    @APIResponse(responseCode = "200", ref = "Success")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "TaskFinished")
    public Uni<Map<String, Boolean>> cancel(@Parameter(ref = "TaskId") @PathParam("id") String id) {
        return tasks.cancel(caller.get(), id).replaceWith(Map.of("success", true));
    }

    @POST
    @Path("/{id}/pause")
    @Operation(operationId = "pauseTask", summary = "Pause a task",
            description = "Pauses an unfinished task at its agents' next step. Pausing a paused task succeeds again.")
    @APIResponse(responseCode = "200", ref = "Success")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "TaskFinished")
    public Uni<Map<String, Boolean>> pause(@Parameter(ref = "TaskId") @PathParam("id") String id) {
        return tasks.pause(caller.get(), id).replaceWith(Map.of("success", true));
    }

    /** Resumes a paused task; an optional {@code message} goes to its agents, an optional {@code max_cost} raises its cap. */
    @POST
    @Path("/{id}/resume")
    @Operation(operationId = "resumeTask", summary = "Resume a paused task",
            description = "Resumes a paused task and approves what it waits for (see its status_detail); the "
                    + "optional message reaches its agents, and an optional max_cost replaces its budget cap (a task "
                    + "paused with budget_exhausted goes on only with one; it may not pass the account's ceiling). "
                    + "Resuming a running task changes nothing but its cap.")
    @APIResponse(responseCode = "200", ref = "Success")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "TaskFinished")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    @APIResponse(responseCode = "422", ref = "CapAboveCeiling")
    public Uni<Map<String, Boolean>> resume(@Parameter(ref = "TaskId") @PathParam("id") String id,
            @RequestBody(ref = "Resume") String body) {
        ResumeRequestParser.Resume resume = body == null || body.isBlank() ? ResumeRequestParser.Resume.NOTHING
                : ResumeRequestParser.parse(JsonBody.object(body));
        return tasks.resume(caller.get(), id, resume.message(), resume.maxCost()).replaceWith(Map.of("success", true));
    }

    @GET
    @Path("/{id}/deliverables")
    @Tag(name = "Deliverables")
    @Operation(operationId = "listDeliverables", summary = "List a task's deliverables",
            description = "Every file the task produced so far, each with a pre-signed download_url.")
    @APIResponse(responseCode = "200", ref = "Deliverables")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<List<DeliverableView>> deliverables(@Parameter(ref = "TaskId") @PathParam("id") String id) {
        return deliverables.list(caller.get(), id);
    }

    static int integer(String field, String value, int fallback, int min, int max, List<FieldError> errors) {
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
