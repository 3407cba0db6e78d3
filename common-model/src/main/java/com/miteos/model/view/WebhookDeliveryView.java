package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * One delivery of one event to one endpoint. {@code id} is the {@code webhook-id} header, the same
 * on every attempt. {@code state}: pending (next_attempt_at says when), delivered, failed.
 */
public record WebhookDeliveryView(
        @JsonProperty("id") String id,
        @JsonProperty("event") String event,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("state") String state,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("last_status_code") Integer lastStatusCode,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("next_attempt_at") Instant nextAttemptAt,
        @JsonProperty("delivered_at") Instant deliveredAt,
        @JsonProperty("created_at") Instant createdAt) {
}
