package com.miteos.deliverables.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;

/**
 * A row of the {@code deliverables} read model. Read-only: rows are written by
 * {@link DeliverableWriter}, and Flyway owns the table. The reads are named queries: Hibernate
 * parses them when it starts, not on the event loop of the first request.
 */
@Entity
@Immutable
@NamedQuery(name = DeliverableEntity.OF_TASK, query = "from DeliverableEntity where accountId = ?1 and mode = ?2"
        + " and taskId = ?3 order by createdAt, id")
@NamedQuery(name = DeliverableEntity.ONE_OF_TASK, query = "from DeliverableEntity where id = ?1 and accountId = ?2"
        + " and mode = ?3 and taskId = ?4")
@Table(name = "deliverables")
public class DeliverableEntity {

    static final String OF_TASK = "DeliverableEntity.ofTask";
    static final String ONE_OF_TASK = "DeliverableEntity.oneOfTask";

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
