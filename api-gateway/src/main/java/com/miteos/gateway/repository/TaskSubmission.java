package com.miteos.gateway.repository;

import com.miteos.model.task.TaskConfig;

import java.time.Instant;

/**
 * A task as the gateway accepted it, before any agent touched it. {@code publishedAt} is when the
 * broker acknowledged its {@code task.created}; null until then. {@code traceparent} is the W3C trace
 * context of the request that submitted it (null if there was none): its {@code task.created} continues
 * that trace whoever publishes it, the POST or the relay.
 */
public record TaskSubmission(String taskId, String accountId, String mode, String idempotencyKey,
        String requestHash, String prompt, TaskConfig config, Instant createdAt, Instant publishedAt,
        String traceparent) {
}
