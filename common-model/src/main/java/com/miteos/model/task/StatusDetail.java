package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;

/**
 * Why a task is in its status, when that needs saying: a paused task tells whether it waits
 * for the user's approval (and of what), was paused by the user, or stopped before a call that
 * would have taken its cost past its budget cap ({@code cost} and {@code max_cost} then say how far).
 */
public record StatusDetail(
        @JsonProperty("reason") String reason,
        @JsonProperty("action") @JsonInclude(JsonInclude.Include.NON_NULL) PendingAction action,
        @JsonProperty("cost") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal cost,
        @JsonProperty("max_cost") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal maxCost) {

    public static final String AWAITING_APPROVAL = "awaiting_approval";
    public static final String PAUSED_BY_USER = "paused_by_user";
    public static final String BUDGET_EXHAUSTED = "budget_exhausted";

    public StatusDetail(String reason, PendingAction action) {
        this(reason, action, null, null);
    }

    public static StatusDetail budgetExhausted(BigDecimal cost, BigDecimal maxCost) {
        return new StatusDetail(BUDGET_EXHAUSTED, null, cost.stripTrailingZeros(), maxCost.stripTrailingZeros());
    }

    public static StatusDetail awaitingApproval(PendingAction action) {
        return new StatusDetail(AWAITING_APPROVAL, action);
    }

    public static StatusDetail pausedByUser() {
        return new StatusDetail(PAUSED_BY_USER, null);
    }
}
