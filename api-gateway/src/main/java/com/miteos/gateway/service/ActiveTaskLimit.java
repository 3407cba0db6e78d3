package com.miteos.gateway.service;

import com.miteos.gateway.client.TaskServiceApi;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Caps how many unfinished tasks one account may have in one mode; a new task over the cap is
 * rejected with 429 (not queued). The cap holds however many gateway replicas accept tasks:
 *
 * <ol>
 * <li>A submission is admitted in one transaction of the gateway's database under a lock of its
 * account and mode ({@code pg_advisory_xact_lock}, {@link SubmissionOutbox#insertIfRoom}): every
 * replica's admissions for that account and mode happen one after the other, and each is stored
 * before the lock is released, so the next one counts it.</li>
 * <li>The read model's own count of unfinished tasks is asked first, inside the transaction but
 * before the lock (so the remote call never holds up other admissions); under the lock, the
 * gateway adds the submissions it has not yet seen in the read model ({@code projected_at} unset)
 * and those it was seen to show only since the transaction began (by the database's clock, the
 * same one that stamps them). A submission is marked seen only after the read model shows it, so
 * no task is missed: one marked after the read model was asked is counted here; one projected
 * before and marked after is counted twice (the cap errs by refusing early for a moment), never
 * zero times.</li>
 * <li>A submission is marked seen by the {@link ProjectionMarker}, which asks the read model a few
 * times a second which accepted tasks it shows (one call for many), so a POST never waits for it.</li>
 * </ol>
 *
 * <p>When the read model cannot answer, the submissions it has not shown yet are still counted and
 * capped; those it already shows are not known and are taken as none: the cap protects capacity,
 * it must not take the API down while task-service is away.
 */
@ApplicationScoped
public class ActiveTaskLimit {

    private final TaskServiceApi tasks;
    private final SubmissionOutbox outbox;
    private final int maxActive;

    @Inject
    public ActiveTaskLimit(@RestClient TaskServiceApi tasks, SubmissionOutbox outbox, GatewayConfig config) {
        this(tasks, outbox, config.limits().maxActiveTasks());
    }

    ActiveTaskLimit(TaskServiceApi tasks, SubmissionOutbox outbox, int maxActive) {
        this.tasks = tasks;
        this.outbox = outbox;
        this.maxActive = maxActive;
    }

    /**
     * Stores the submission if the caller may start another task; false (nothing stored) when its
     * Idempotency-Key was used already; a 429 problem when the caller is at the cap.
     */
    public Uni<Boolean> admit(Caller caller, TaskSubmission submission) {
        if (maxActive <= 0) {
            return outbox.insert(submission);
        }
        // Deferred: the read model must be asked only once the transaction has begun (SubmissionOutbox#insertIfRoom).
        return outbox.insertIfRoom(submission, Uni.createFrom().deferred(() -> readModelCount(caller)), unfinished -> unfinished < maxActive
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new ApiProblem(429, "too-many-active-tasks", "Too many active tasks",
                        "This account already has " + unfinished + " unfinished tasks in this mode; at most "
                                + maxActive + " may run at once. Wait for some to finish, or cancel some.")));
    }

    private Uni<Long> readModelCount(Caller caller) {
        return tasks.activeCount(caller.accountId(), caller.mode().value())
                .map(answer -> answer.getOrDefault("active", 0L))
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("active-task count unavailable, counting only the tasks it does not show yet: %s",
                            e.toString());
                    return 0L;
                });
    }
}
