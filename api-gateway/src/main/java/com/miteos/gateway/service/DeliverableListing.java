package com.miteos.gateway.service;

import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.TaskView;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * A task's deliverables, consistent with the task as the caller sees it. task-service and
 * deliverable-service project their topics independently, so for a moment a task may count
 * deliverables its list does not show yet (a client that saw {@code complete} and then found no
 * file). A list shorter than the task's {@code deliverables_count} is asked for again, every
 * {@value #RETRY_EVERY_MS} ms up to {@code miteos.reads.deliverables-catch-up}, and then answered as it is.
 */
@ApplicationScoped
public class DeliverableListing {

    static final long RETRY_EVERY_MS = 100;

    private final TaskService tasks;
    private final TaskReadModel readModel;
    private final Duration catchUp;

    public DeliverableListing(TaskService tasks, TaskReadModel readModel, GatewayConfig config) {
        this.tasks = tasks;
        this.readModel = readModel;
        this.catchUp = config.reads().deliverablesCatchUp();
    }

    public Uni<List<DeliverableView>> list(Caller caller, String taskId) {
        return tasks.get(caller, taskId)
                .flatMap(task -> caughtUp(caller, task, System.nanoTime() + catchUp.toNanos()));
    }

    private Uni<List<DeliverableView>> caughtUp(Caller caller, TaskView task, long deadline) {
        return readModel.deliverables(caller, task.id()).flatMap(listed -> {
            if (listed.size() >= task.deliverablesCount()) {
                return Uni.createFrom().item(listed);
            }
            if (System.nanoTime() >= deadline) {
                Log.warnf("task %s: counts %d deliverables, deliverable-service lists %d after %s",
                        task.id(), task.deliverablesCount(), listed.size(), catchUp);
                return Uni.createFrom().item(listed);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(RETRY_EVERY_MS))
                    .flatMap(ignored -> caughtUp(caller, task, deadline));
        });
    }
}
