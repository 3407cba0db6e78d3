package com.miteos.tasks.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;

/**
 * A row of the {@code tasks} read model as lists and counts see it: only the columns they need.
 * Read-only: the rows are written by {@link TaskSnapshotWriter}, and Flyway owns the table.
 * {@link TaskReadRepository} queries it but selects projections ({@link TaskPageRow}, counts),
 * so no instance is ever loaded into a session.
 */
@Entity
@Immutable
@Table(name = "tasks")
public class TaskEntity {

    @Id
    private String id;

    @Column(name = "account_id")
    private String accountId;

    private String mode;

    private String status;

    private String prompt;

    @Column(name = "created_at")
    private Instant createdAt;

    protected TaskEntity() {
    }
}
