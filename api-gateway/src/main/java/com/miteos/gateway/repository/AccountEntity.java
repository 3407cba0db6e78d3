package com.miteos.gateway.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import com.miteos.gateway.domain.CostLimits;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A row of {@code accounts}; Flyway owns the table. */
@Entity
@Table(name = "accounts")
public class AccountEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "default_max_cost")
    private BigDecimal defaultMaxCost;

    @Column(name = "max_cost_ceiling")
    private BigDecimal maxCostCeiling;

    protected AccountEntity() {
    }

    AccountEntity(String id, String name, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
    }

    CostLimits costLimits() {
        return new CostLimits(defaultMaxCost, maxCostCeiling);
    }

    void setCostLimits(CostLimits limits) {
        this.defaultMaxCost = limits.defaultMaxCost();
        this.maxCostCeiling = limits.ceiling();
    }

    AccountRepository.AccountInfo toInfo() {
        return new AccountRepository.AccountInfo(id, name, createdAt.truncatedTo(ChronoUnit.SECONDS), costLimits());
    }
}
