package com.miteos.deliverables.repository;

import java.time.Instant;

/** A deliverable as this service stores it, with where its bytes are. */
public record StoredDeliverable(String id, String name, String contentType, long sizeBytes, String objectKey,
        Instant createdAt) {
}
