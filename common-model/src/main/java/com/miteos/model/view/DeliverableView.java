package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/** A deliverable as {@code GET /v1/tasks/{id}/deliverables} lists it. */
public record DeliverableView(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("download_url") String downloadUrl,
        @JsonProperty("created_at") Instant createdAt) {
}
