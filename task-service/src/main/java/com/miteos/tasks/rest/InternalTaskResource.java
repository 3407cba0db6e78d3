package com.miteos.tasks.rest;

import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.InternalHeaders;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskView;
import com.miteos.tasks.repository.Owner;
import com.miteos.tasks.repository.TaskLookup;
import com.miteos.tasks.repository.TaskReadRepository;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The internal read API the gateway calls. Every request names its owner in
 * {@link InternalHeaders}; a task of anybody else is not found.
 */
@Path("/internal/tasks")
@Produces(MediaType.APPLICATION_JSON)
public class InternalTaskResource {

    static final int MAX_WAIT_MS = 5_000;
    static final int MAX_SHOWN_IDS = 1_000;
    private static final Duration POLL_EVERY = Duration.ofMillis(20);

    private final TaskLookup lookup;
    private final TaskReadRepository tasks;

    public InternalTaskResource(TaskLookup lookup, TaskReadRepository tasks) {
        this.lookup = lookup;
        this.tasks = tasks;
    }

    /**
     * One task. With {@code wait_ms}, a task not projected yet is waited for that long, which is
     * how the gateway gives read-your-writes right after accepting a task.
     */
    @GET
    @Path("/{id}")
    public Uni<TaskView> get(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode,
            @QueryParam("wait_ms") @DefaultValue("0") int waitMs) {
        Owner owner = owner(accountId, mode);
        long deadline = System.nanoTime() + Duration.ofMillis(Math.min(Math.max(waitMs, 0), MAX_WAIT_MS)).toNanos();
        return findUntil(owner, id, deadline).onItem().ifNull().failWith(NotFoundException::new);
    }

    /** The number of the owner's unfinished tasks, for the gateway's concurrency limit. */
    @GET
    @Path("/active-count")
    public Uni<Map<String, Long>> activeCount(@HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode) {
        return tasks.countActive(owner(accountId, mode)).map(count -> Map.of("active", count));
    }

    /**
     * Which of the given tasks the read model shows, many at once: how the gateway learns that the
     * tasks it accepted are projected (its active-task cap then counts them here), in one call a few
     * times a second rather than one per task. Only ids are answered, so no owner is named.
     */
    @POST
    @Path("/shown")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<List<String>> shown(List<String> ids) {
        if (ids == null || ids.size() > MAX_SHOWN_IDS) {
            throw new BadRequestException("a JSON array of at most " + MAX_SHOWN_IDS + " task ids");
        }
        return ids.isEmpty() ? Uni.createFrom().item(List.of()) : tasks.shown(ids);
    }

    @GET
    public Uni<TaskPage> list(@HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode,
            @QueryParam("status") String status,
            @QueryParam("limit") @DefaultValue("20") int limit,
            @QueryParam("offset") @DefaultValue("0") int offset) {
        Owner owner = owner(accountId, mode);
        TaskStatus filter = status == null ? null
                : TaskStatus.parse(status).orElseThrow(() -> new BadRequestException("unknown status"));
        if (limit < 1 || limit > 100 || offset < 0) {
            throw new BadRequestException("limit must be 1-100 and offset >= 0");
        }
        return tasks.list(owner, filter, limit, offset);
    }

    private Uni<TaskView> findUntil(Owner owner, String id, long deadline) {
        return lookup.find(owner, id).flatMap(task -> {
            if (task != null || System.nanoTime() >= deadline) {
                return Uni.createFrom().item(task);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(POLL_EVERY)
                    .flatMap(ignored -> findUntil(owner, id, deadline));
        });
    }

    static Owner owner(String accountId, String mode) {
        if (accountId == null || accountId.isBlank() || mode == null) {
            throw new BadRequestException("the caller's identity headers are missing");
        }
        try {
            return new Owner(accountId, Mode.of(mode));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("unknown mode");
        }
    }
}
