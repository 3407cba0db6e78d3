package com.miteos.gateway.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.domain.Caller;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads of accepted tasks by their owner, through Panache: by task id (a GET the read model has
 * not caught up with yet) and by Idempotency-Key (a retried POST). Storing, stamping and relaying
 * submissions is {@link SubmissionOutbox}.
 */
@ApplicationScoped
public class TaskSubmissionRepository implements PanacheRepositoryBase<TaskSubmissionEntity, String> {

    private final ObjectMapper json;

    public TaskSubmissionRepository(ObjectMapper json) {
        this.json = json;
    }

    /** The owner's submission with that Idempotency-Key, or null. */
    @WithSession
    public Uni<TaskSubmission> findByIdempotencyKey(Caller caller, String key) {
        return find("accountId = ?1 and mode = ?2 and idempotencyKey = ?3", caller.accountId(),
                caller.mode().value(), key).firstResult().map(this::toSubmission);
    }

    /** The owner's submission of that task, or null. */
    @WithSession
    public Uni<TaskSubmission> find(Caller caller, String taskId) {
        return find("taskId = ?1 and accountId = ?2 and mode = ?3", taskId, caller.accountId(),
                caller.mode().value()).firstResult().map(this::toSubmission);
    }

    private TaskSubmission toSubmission(TaskSubmissionEntity found) {
        return found == null ? null : found.toSubmission(json);
    }
}
