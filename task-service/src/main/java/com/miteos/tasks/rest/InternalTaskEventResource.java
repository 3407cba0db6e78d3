package com.miteos.tasks.rest;

import com.miteos.model.view.StreamCursor;
import com.miteos.model.view.StreamEvents;
import com.miteos.tasks.repository.TaskEventLog;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The tasks' event logs, for the gateway's event streams: given where each of its open streams
 * stands, the events after it, for up to {@value #MAX_CURSORS} tasks in one call. One gateway asks
 * a few times a second for all its streams at once, rather than once per stream. Ownership is not
 * checked here: the gateway lets a caller open only a stream of its own task (as
 * {@code /internal/tasks/shown}, the answer names no owner).
 */
@Path("/internal/task-events")
@Produces(MediaType.APPLICATION_JSON)
public class InternalTaskEventResource {

    static final int MAX_CURSORS = 1_000;
    static final int MAX_PAGE = 1_000;

    private final TaskEventLog log;

    public InternalTaskEventResource(TaskEventLog log) {
        this.log = log;
    }

    /**
     * For each cursor, at most {@code limit} events after it, and the terminal event's id once the
     * stream has ended; tasks with nothing new that have not ended are left out.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<List<StreamEvents>> after(List<StreamCursor> cursors, @QueryParam("limit") @DefaultValue("200") int limit) {
        if (cursors == null || cursors.size() > MAX_CURSORS || limit < 1 || limit > MAX_PAGE
                || cursors.stream().anyMatch(c -> c == null || c.taskId() == null || c.after() < 0)) {
            throw new BadRequestException("a JSON array of at most " + MAX_CURSORS
                    + " {task_id, after >= 0}, and limit 1-" + MAX_PAGE);
        }
        return cursors.isEmpty() ? Uni.createFrom().item(List.of()) : log.after(cursors, limit);
    }
}
