package com.miteos.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.metrics.GatewayMetrics;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.domain.CostLimits;
import com.miteos.gateway.mapping.TaskRequestParser.NewTask;
import com.miteos.gateway.messaging.TaskCommandPublisher;
import com.miteos.gateway.messaging.TraceParents;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.repository.TaskSubmissionRepository;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskSummary;
import com.miteos.model.view.TaskView;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.MDC;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * The task use cases of the public API. Creating and cancelling publish commands to Kafka;
 * reading goes to the read models. Creating answers once the submission is stored (the outbox):
 * its {@code task.created} is published right after, off the request, and one whose publication
 * fails is delivered later ({@link SubmissionDelivery}, {@link SubmissionRelay}) rather than lost,
 * so neither the broker nor the read model holds a POST. A task the gateway accepted is readable
 * at once, without waiting: until the read model shows it, its submission answers for it by id,
 * and a list adds it ({@link AcceptedTasksInList}).
 */
@ApplicationScoped
public class TaskService {

    /** The most accepted-but-not-yet-projected tasks a list looks at (a backlog beyond it waits for the read model). */
    private static final int MAX_ACCEPTED_IN_LIST = 1_000;

    private final TaskSubmissionRepository submissions;
    private final SubmissionOutbox outbox;
    private final SubmissionDelivery delivery;
    private final TaskCommandPublisher publisher;
    private final TaskReadModel readModel;
    private final ObjectMapper json;
    private final ActiveTaskLimit activeTasks;
    private final GatewayMetrics metrics;

    public TaskService(TaskSubmissionRepository submissions, SubmissionOutbox outbox, SubmissionDelivery delivery,
            TaskCommandPublisher publisher, TaskReadModel readModel, ObjectMapper json, ActiveTaskLimit activeTasks,
            GatewayMetrics metrics) {
        this.metrics = metrics;
        this.activeTasks = activeTasks;
        this.submissions = submissions;
        this.outbox = outbox;
        this.delivery = delivery;
        this.publisher = publisher;
        this.readModel = readModel;
        this.json = json;
    }

    /** The outcome of a create: the task, and whether this call created it or replayed an earlier one. */
    public record Created(TaskView task, boolean replayed) {
    }

    /**
     * Accepts a task, with the budget cap its account's limits give it ({@link CostLimits#capOfNewTask}):
     * that cap is what the task's config shows and what the orchestrator gets. The Idempotency-Key
     * fingerprint is of the request as sent, so a retry still matches after the account's limits changed.
     */
    public Uni<Created> create(Caller caller, NewTask request, String idempotencyKey) {
        TaskConfig config;
        try {
            config = request.config().withMaxCost(caller.costLimits().capOfNewTask(request.config().maxCost()));
        } catch (ApiProblem aboveCeiling) {
            return Uni.createFrom().failure(aboveCeiling);
        }
        TaskSubmission submission = new TaskSubmission(Ids.newId(IdPrefix.TASK), caller.accountId(),
                caller.mode().value(), idempotencyKey, fingerprint(request), request.prompt(), config,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), null, TraceParents.current());
        // A replay is never refused for being over the limit: its task already exists.
        return activeTasks.admit(caller, submission)
                .onFailure(e -> e instanceof ApiProblem p && p.status() == 429)
                .invoke(() -> metrics.rejected(caller.mode(), GatewayMetrics.ACTIVE_TASKS))
                .flatMap(inserted -> {
                    if (!inserted) {
                        return replay(caller, submission);
                    }
                    metrics.accepted(caller.mode());
                    return Uni.createFrom().item(new Created(accepted(submission, true), false));
                });
    }

    /**
     * A stored submission is durable: it is answered as accepted now, and its {@code task.created}
     * is handed to the broker in the background. If the broker refuses it or is away, the submission
     * stays unpublished and the relay (or a retry with its Idempotency-Key) delivers it later.
     */
    private TaskView accepted(TaskSubmission s, boolean fresh) {
        MDC.put("task_id", s.taskId()); // the request's own context: what it logs from here on names the task
        Log.infof("task %s: accepted", s.taskId());
        (fresh ? delivery.deliverUnpublished(s) : delivery.deliver(s)).subscribe().with(
                published -> { },
                e -> Log.warnf("task %s: the broker did not take task.created yet, the relay will deliver it: %s",
                        s.taskId(), e.toString()));
        return pendingView(s);
    }

    /**
     * Same key again: the same body gets the original response back, a different body a 422. An
     * original the broker does not have yet (its publication failed, or is still under way) is
     * handed to the broker again, in the background as for a new one.
     */
    private Uni<Created> replay(Caller caller, TaskSubmission attempt) {
        return submissions.findByIdempotencyKey(caller, attempt.idempotencyKey()).flatMap(original -> {
            if (!original.requestHash().equals(attempt.requestHash())) {
                return Uni.createFrom().failure(new ApiProblem(422, "idempotency-key-reused",
                        "Idempotency key reused",
                        "This Idempotency-Key was already used with a different request body."));
            }
            TaskView answer = original.publishedAt() != null ? pendingView(original) : accepted(original, false);
            return Uni.createFrom().item(new Created(answer, true));
        });
    }

    /** The task, or a 404 problem. */
    public Uni<TaskView> get(Caller caller, String taskId) {
        if (!Ids.isValid(IdPrefix.TASK, taskId)) {
            return Uni.createFrom().failure(ApiProblem.notFound("Task " + shortened(taskId)));
        }
        MDC.put("task_id", taskId); // the request's own context, as for account_id: its logs name the task
        return find(caller, taskId).onItem().ifNull().failWith(() -> ApiProblem.notFound("Task " + taskId));
    }

    private Uni<TaskView> find(Caller caller, String taskId) {
        return readModel.find(caller, taskId, Duration.ZERO).flatMap(task -> task != null
                ? Uni.createFrom().item(task)
                : submissions.find(caller, taskId).map(s -> s == null ? null : pendingView(s)));
    }

    /**
     * A page of the read model, with the caller's accepted tasks that it may not show yet first
     * ({@link AcceptedTasksInList}; they are pending, so a filter on another status leaves them out).
     */
    public Uni<TaskPage> list(Caller caller, TaskStatus status, int limit, int offset) {
        if (status != null && status != TaskStatus.PENDING) {
            return readModel.list(caller, status, limit, offset);
        }
        Uni<List<TaskSummary>> accepted = outbox.findUnprojected(caller.accountId(), caller.mode().value(),
                        (int) Math.min((long) offset + limit, MAX_ACCEPTED_IN_LIST))
                .map(found -> found.stream().map(TaskService::pendingSummary).toList());
        if (offset == 0) { // the read model's first page does not depend on them: ask both at once
            return Uni.combine().all().unis(accepted, readModel.list(caller, status, limit, 0)).asTuple()
                    .map(both -> AcceptedTasksInList.merge(both.getItem1(), both.getItem2(), 0, limit));
        }
        return accepted.flatMap(found -> readModel.list(caller, status, limit,
                        AcceptedTasksInList.readModelOffset(offset, found.size()))
                .map(page -> AcceptedTasksInList.merge(found, page, offset, limit)));
    }

    /**
     * Cancels a task that has not finished. Cancelling a cancelled task succeeds again (a safe
     * retry); a complete or failed task cannot be cancelled (409).
     */
    public Uni<Void> cancel(Caller caller, String taskId) {
        return get(caller, taskId).flatMap(task -> {
            if (task.status() == TaskStatus.CANCELLED) {
                return Uni.createFrom().voidItem();
            }
            if (task.status().isTerminal()) {
                return Uni.createFrom().failure(new ApiProblem(409, "task-finished", "Task already finished",
                        "Task " + taskId + " is " + task.status().value()
                                + "; only pending, planning, running or paused tasks can be cancelled."));
            }
            return publisher.cancelRequested(EventEnvelope.of(taskId, caller.accountId(), caller.mode(), 0,
                            new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST)))
                    .onFailure().transform(e -> ApiProblem.unavailable(
                            "The cancellation could not be recorded right now. Please retry."))
                    .invoke(() -> Log.infof("task %s: cancel requested", taskId));
        });
    }

    /**
     * Pauses a task at its next step. Pausing a paused task succeeds again; a finished task
     * cannot be paused (409).
     */
    public Uni<Void> pause(Caller caller, String taskId) {
        return unfinished(caller, taskId, "paused").flatMap(task -> task.status() == TaskStatus.PAUSED
                ? Uni.createFrom().voidItem()
                : publish(taskId, "pause", publisher.pauseRequested(EventEnvelope.of(taskId, caller.accountId(),
                        caller.mode(), 0, new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST)))));
    }

    /**
     * Resumes a paused task and approves what it waits for; the message, if any, reaches the
     * agents; {@code maxCost}, if any, replaces the task's budget cap (a 422 problem above the
     * account's ceiling). Resuming a task that runs changes nothing but its cap; a finished task
     * cannot be resumed (409).
     */
    public Uni<Void> resume(Caller caller, String taskId, String message, BigDecimal maxCost) {
        return Uni.createFrom().item(() -> caller.costLimits().withinCeiling(maxCost, "max_cost"))
                .flatMap(cap -> unfinished(caller, taskId, "resumed")).flatMap(task -> publish(taskId, "resume",
                publisher.resumeRequested(EventEnvelope.of(taskId, caller.accountId(), caller.mode(), 0,
                        new TaskResumeRequested(message, maxCost)))));
    }

    private Uni<TaskView> unfinished(Caller caller, String taskId, String verb) {
        return get(caller, taskId).flatMap(task -> task.status().isTerminal()
                ? Uni.createFrom().failure(new ApiProblem(409, "task-finished", "Task already finished",
                        "Task " + taskId + " is " + task.status().value() + " and cannot be " + verb + "."))
                : Uni.createFrom().item(task));
    }

    private static Uni<Void> publish(String taskId, String what, Uni<Void> sending) {
        return sending
                .onFailure().transform(e -> ApiProblem.unavailable("The " + what
                        + " request could not be recorded right now. Please retry."))
                .invoke(() -> Log.infof("task %s: %s requested", taskId, what));
    }

    private static TaskSummary pendingSummary(TaskSubmission s) {
        return new TaskSummary(s.taskId(), TaskStatus.PENDING, s.prompt(), s.createdAt());
    }

    private static TaskView pendingView(TaskSubmission s) {
        return new TaskView(s.taskId(), TaskStatus.PENDING, s.prompt(), s.config(), List.of(), 0, 0, null, null, null,
                s.createdAt(), s.createdAt());
    }

    private String fingerprint(NewTask request) {
        try {
            byte[] canonical = json.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a task request", e);
        }
    }

    private static String shortened(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }
}
