package com.miteos.gateway.domain;

import com.miteos.model.task.Mode;

/**
 * Who is calling the public API: an account, in the mode of the key it used, with the account's
 * budget limits as read together with the key (never null: {@link CostLimits#NONE} for none).
 */
public record Caller(String accountId, Mode mode, String keyId, CostLimits costLimits) {

    public Caller {
        costLimits = costLimits == null ? CostLimits.NONE : costLimits;
    }

    /** A caller whose account has no budget limits. */
    public Caller(String accountId, Mode mode, String keyId) {
        this(accountId, mode, keyId, CostLimits.NONE);
    }
}
