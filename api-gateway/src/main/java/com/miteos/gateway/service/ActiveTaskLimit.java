package com.miteos.gateway.service;

import com.miteos.gateway.client.TaskServiceApi;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Caps how many unfinished tasks one account may have in one mode; a new task over the cap is
 * rejected with 429 (not queued). The count comes from the read model, so tasks accepted in the
 * last moments may not be counted yet: the cap is soft by a few tasks. When the read model
 * cannot answer, tasks are accepted: the cap protects capacity, it must not take the API down.
 */
@ApplicationScoped
public class ActiveTaskLimit {

    private final TaskServiceApi tasks;
    private final int maxActive;

    public ActiveTaskLimit(@RestClient TaskServiceApi tasks, GatewayConfig config) {
        this.tasks = tasks;
        this.maxActive = config.limits().maxActiveTasks();
    }

    /** Completes when the caller may start another task; a 429 problem when it may not. */
    public Uni<Void> check(Caller caller) {
        if (maxActive <= 0) {
            return Uni.createFrom().voidItem();
        }
        return tasks.activeCount(caller.accountId(), caller.mode().value())
                .map(answer -> answer.getOrDefault("active", 0L))
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("active-task count unavailable, accepting the task: %s", e.toString());
                    return 0L;
                })
                .flatMap(active -> active < maxActive ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new ApiProblem(429, "too-many-active-tasks",
                                "Too many active tasks", "This account already has " + active
                                + " unfinished tasks in this mode; at most " + maxActive
                                + " may run at once. Wait for some to finish, or cancel some.")));
    }
}
