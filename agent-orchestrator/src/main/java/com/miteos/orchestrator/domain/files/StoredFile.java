package com.miteos.orchestrator.domain.files;

/** A file an agent wrote: its deliverable id, sanitised name, type, size and storage key. */
public record StoredFile(String deliverableId, String name, String contentType, long sizeBytes, String objectKey) {
}
