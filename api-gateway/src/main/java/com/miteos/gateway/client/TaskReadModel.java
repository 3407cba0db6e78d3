package com.miteos.gateway.client;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskView;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.util.List;

/**
 * The read side of the platform as the gateway sees it: task-service and deliverable-service,
 * always asked on behalf of one caller. A missing task is {@code null}; an unreachable service
 * is a 503 problem, never a false "not found".
 */
@ApplicationScoped
public class TaskReadModel {

    private final TaskServiceApi tasks;
    private final DeliverableServiceApi deliverables;

    public TaskReadModel(@RestClient TaskServiceApi tasks, @RestClient DeliverableServiceApi deliverables) {
        this.tasks = tasks;
        this.deliverables = deliverables;
    }

    /** The task, or null. With {@code wait}, a task not projected yet is waited for that long. */
    public Uni<TaskView> find(Caller caller, String taskId, Duration wait) {
        return tasks.get(taskId, caller.accountId(), caller.mode().value(), wait.toMillis())
                .onFailure(TaskReadModel::isNotFound).recoverWithNull()
                .onFailure(e -> !(e instanceof ApiProblem)).transform(e -> unavailable("task-service", e));
    }

    public Uni<TaskPage> list(Caller caller, TaskStatus status, int limit, int offset) {
        return tasks.list(caller.accountId(), caller.mode().value(), status == null ? null : status.value(), limit,
                        offset)
                .onFailure().transform(e -> unavailable("task-service", e));
    }

    /** Which of these tasks (of any owner) the read model shows; a failure if it cannot say. */
    public Uni<List<String>> shown(List<String> taskIds) {
        return tasks.shown(taskIds);
    }

    public Uni<List<DeliverableView>> deliverables(Caller caller, String taskId) {
        return deliverables.list(taskId, caller.accountId(), caller.mode().value())
                .onFailure().transform(e -> unavailable("deliverable-service", e));
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof WebApplicationException w && w.getResponse().getStatus() == 404;
    }

    private static ApiProblem unavailable(String service, Throwable cause) {
        Log.warnf("%s failed: %s", service, cause.toString());
        return ApiProblem.unavailable("The platform is briefly unable to answer this; please retry.");
    }
}
