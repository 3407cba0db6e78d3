package com.miteos.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.TaskConfig;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;

import java.time.Instant;

/**
 * A row of {@code task_submissions}. Read-only here: rows are written by {@link SubmissionOutbox},
 * and Flyway owns the table. The config is read as the JSON text the service's own
 * {@link ObjectMapper} wrote, and read back with it.
 */
@Entity
@Immutable
@Table(name = "task_submissions")
public class TaskSubmissionEntity {

    @Id
    @Column(name = "task_id")
    private String taskId;

    @Column(name = "account_id")
    private String accountId;

    private String mode;

    @Column(name = "idempotency_key")
    private String idempotencyKey;

    @Column(name = "request_hash")
    private String requestHash;

    private String prompt;

    @ColumnTransformer(read = "config::text")
    private String config;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "published_at")
    private Instant publishedAt;

    private String traceparent;

    protected TaskSubmissionEntity() {
    }

    TaskSubmission toSubmission(ObjectMapper json) {
        try {
            return new TaskSubmission(taskId, accountId, mode, idempotencyKey, requestHash, prompt,
                    json.readValue(config, TaskConfig.class), createdAt, publishedAt, traceparent);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored task config is unreadable", e);
        }
    }
}
