package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a task is in its status, when that needs saying: a paused task tells whether it waits
 * for the user's approval (and of what) or was paused by the user.
 */
public record StatusDetail(
        @JsonProperty("reason") String reason,
        @JsonProperty("action") @JsonInclude(JsonInclude.Include.NON_NULL) PendingAction action) {

    public static final String AWAITING_APPROVAL = "awaiting_approval";
    public static final String PAUSED_BY_USER = "paused_by_user";

    public static StatusDetail awaitingApproval(PendingAction action) {
        return new StatusDetail(AWAITING_APPROVAL, action);
    }

    public static StatusDetail pausedByUser() {
        return new StatusDetail(PAUSED_BY_USER, null);
    }
}
