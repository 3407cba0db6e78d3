package com.miteos.gateway.repository;

import com.miteos.model.task.TaskConfig;

import java.time.Instant;

/**
 * A task as the gateway accepted it, before any agent touched it. {@code publishedAt} is when the
 * broker acknowledged its {@code task.created}; null until then.
 */
public record TaskSubmission(String taskId, String accountId, String mode, String idempotencyKey,
        String requestHash, String prompt, TaskConfig config, Instant createdAt, Instant publishedAt) {
}
