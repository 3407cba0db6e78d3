package com.miteos.gateway.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of {@code accounts}; Flyway owns the table. */
@Entity
@Table(name = "accounts")
public class AccountEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "created_at")
    private Instant createdAt;

    protected AccountEntity() {
    }

    AccountEntity(String id, String name, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
    }
}
