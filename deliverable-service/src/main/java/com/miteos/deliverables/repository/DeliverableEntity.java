package com.miteos.deliverables.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;

/**
 * A row of the {@code deliverables} read model. Read-only: rows are written by
 * {@link DeliverableWriter}, and Flyway owns the table.
 */
@Entity
@Immutable
@Table(name = "deliverables")
public class DeliverableEntity {

    @Id
    private String id;

    @Column(name = "task_id")
    private String taskId;

    @Column(name = "account_id")
    private String accountId;

    private String mode;

    private String name;

    @Column(name = "content_type")
    private String contentType;

    @Column(name = "size_bytes")
    private long sizeBytes;

    @Column(name = "object_key")
    private String objectKey;

    @Column(name = "created_at")
    private Instant createdAt;

    protected DeliverableEntity() {
    }

    StoredDeliverable toStored() {
        return new StoredDeliverable(id, name, contentType, sizeBytes, objectKey, createdAt);
    }
}
