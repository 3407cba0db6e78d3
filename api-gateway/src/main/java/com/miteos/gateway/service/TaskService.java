package com.miteos.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.mapping.TaskRequestParser.NewTask;
import com.miteos.gateway.messaging.TaskCommandPublisher;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.repository.TaskSubmissionRepository;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.DeliverableView;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskView;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

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
 * reading goes to the read models. A task the gateway accepted is readable at once: when the
 * read model has not caught up yet, the accepted submission answers for it. Creating stores the
 * submission before it publishes, so a submission whose publication fails is delivered later
 * ({@link SubmissionDelivery}) rather than lost.
 */
@ApplicationScoped
public class TaskService {

    private final TaskSubmissionRepository submissions;
    private final SubmissionOutbox outbox;
    private final SubmissionDelivery delivery;
    private final TaskCommandPublisher publisher;
    private final TaskReadModel readModel;
    private final ObjectMapper json;
    private final Duration projectionWait;
    private final ActiveTaskLimit activeTasks;

    public TaskService(TaskSubmissionRepository submissions, SubmissionOutbox outbox, SubmissionDelivery delivery,
            TaskCommandPublisher publisher, TaskReadModel readModel, ObjectMapper json, GatewayConfig config,
            ActiveTaskLimit activeTasks) {
        this.activeTasks = activeTasks;
        this.submissions = submissions;
        this.outbox = outbox;
        this.delivery = delivery;
        this.publisher = publisher;
        this.readModel = readModel;
        this.json = json;
        this.projectionWait = config.tasks().projectionWait();
    }

    /** The outcome of a create: the task, and whether this call created it or replayed an earlier one. */
    public record Created(TaskView task, boolean replayed) {
    }

    public Uni<Created> create(Caller caller, NewTask request, String idempotencyKey) {
        TaskSubmission submission = new TaskSubmission(Ids.newId(IdPrefix.TASK), caller.accountId(),
                caller.mode().value(), idempotencyKey, fingerprint(request), request.prompt(), request.config(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), null);
        // A replay is never refused for being over the limit: its task already exists.
        return activeTasks.admit(caller, submission).flatMap(inserted -> inserted
                ? accept(caller, submission).map(task -> new Created(task, false))
                : replay(caller, submission));
    }

    /**
     * Publishes a stored submission and answers it once the broker has it. When the broker refuses
     * it, the submission stays stored, unpublished: the relay or a retry with its Idempotency-Key
     * delivers it, so the 503 says the task may still run.
     */
    private Uni<TaskView> accept(Caller caller, TaskSubmission s) {
        return delivery.deliver(s)
                .onFailure().invoke(e -> Log.errorf("task %s: the broker did not take task.created, it stays"
                        + " queued for the relay: %s", s.taskId(), e.toString()))
                .onFailure().transform(e -> ApiProblem.unavailable("Task " + s.taskId() + " was stored but could"
                        + " not be queued right now; it will be queued as soon as possible. Retry with the same"
                        + " Idempotency-Key, or read the task by its id, rather than submitting it again."))
                .invoke(() -> Log.infof("task %s: accepted", s.taskId()))
                // The answer is the task as accepted; waiting for the read model to show it first is
                // what makes a GET or a list right after this response see the task. Once it does, the
                // active-task cap counts it there rather than as a submission.
                .flatMap(ignored -> readModel.find(caller, s.taskId(), projectionWait)
                        .onFailure().recoverWithNull())
                .call(projected -> projected == null ? Uni.createFrom().voidItem() : markProjected(s))
                .map(projected -> pendingView(s));
    }

    /** A mark that fails leaves the task counted twice by the cap until the relay marks it. */
    private Uni<Void> markProjected(TaskSubmission s) {
        return outbox.markProjected(s.taskId())
                .onFailure().invoke(e -> Log.warnf("task %s: projected but not marked projected: %s", s.taskId(),
                        e.toString()))
                .onFailure().recoverWithNull();
    }

    /**
     * Same key again: the same body gets the original response back, a different body a 422. An
     * original the broker does not have yet (its publication failed, or is still under way) is
     * published first, so that a replay too answers only for a task that cannot be lost.
     */
    private Uni<Created> replay(Caller caller, TaskSubmission attempt) {
        return submissions.findByIdempotencyKey(caller, attempt.idempotencyKey()).flatMap(original -> {
            if (!original.requestHash().equals(attempt.requestHash())) {
                return Uni.createFrom().failure(new ApiProblem(422, "idempotency-key-reused",
                        "Idempotency key reused",
                        "This Idempotency-Key was already used with a different request body."));
            }
            Uni<TaskView> answer = original.publishedAt() != null ? Uni.createFrom().item(pendingView(original))
                    : accept(caller, original);
            return answer.map(task -> new Created(task, true));
        });
    }

    /** The task, or a 404 problem. */
    public Uni<TaskView> get(Caller caller, String taskId) {
        if (!Ids.isValid(IdPrefix.TASK, taskId)) {
            return Uni.createFrom().failure(ApiProblem.notFound("Task " + shortened(taskId)));
        }
        return find(caller, taskId).onItem().ifNull().failWith(() -> ApiProblem.notFound("Task " + taskId));
    }

    private Uni<TaskView> find(Caller caller, String taskId) {
        return readModel.find(caller, taskId, Duration.ZERO).flatMap(task -> task != null
                ? Uni.createFrom().item(task)
                : submissions.find(caller, taskId).map(s -> s == null ? null : pendingView(s)));
    }

    public Uni<TaskPage> list(Caller caller, TaskStatus status, int limit, int offset) {
        return readModel.list(caller, status, limit, offset);
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
     * agents. Resuming a task that runs changes nothing; a finished task cannot be resumed (409).
     */
    public Uni<Void> resume(Caller caller, String taskId, String message) {
        return unfinished(caller, taskId, "resumed").flatMap(task -> publish(taskId, "resume",
                publisher.resumeRequested(EventEnvelope.of(taskId, caller.accountId(), caller.mode(), 0,
                        new TaskResumeRequested(message)))));
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

    public Uni<List<DeliverableView>> deliverables(Caller caller, String taskId) {
        return get(caller, taskId).flatMap(task -> readModel.deliverables(caller, taskId));
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
