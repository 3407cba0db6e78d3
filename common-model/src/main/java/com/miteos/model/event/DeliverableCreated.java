package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * An agent wrote a file, now stored in object storage under {@code object_key}.
 * Published on {@link Topics#TASK_DELIVERABLE}.
 */
public record DeliverableCreated(
        @JsonProperty("deliverable_id") String deliverableId,
        @JsonProperty("agent_id") String agentId,
        @JsonProperty("name") String name,
        @JsonProperty("content_type") String contentType,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("object_key") String objectKey,
        @JsonProperty("created_at") Instant createdAt) implements EventPayload {

    @Override
    public String eventType() {
        return EventTypes.DELIVERABLE_CREATED;
    }
}
