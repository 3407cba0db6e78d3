package com.miteos.orchestrator.domain.run;

import java.math.BigDecimal;

/** The credits and tokens a task has spent so far. */
final class CostLedger {

    private BigDecimal cost = BigDecimal.ZERO;
    private long tokens;

    void restore(RunState state) {
        cost = state.cost();
        tokens = state.tokens();
    }

    BigDecimal cost() {
        return cost;
    }

    long tokens() {
        return tokens;
    }

    /** Counts tokens used; answers the task's total. */
    long addTokens(long used) {
        tokens += used;
        return tokens;
    }

    /** Adds credits spent; answers false, adding nothing, when there are none. */
    boolean add(BigDecimal credits) {
        if (credits.signum() <= 0) {
            return false;
        }
        cost = cost.add(credits);
        return true;
    }
}
