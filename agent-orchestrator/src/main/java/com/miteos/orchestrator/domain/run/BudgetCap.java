package com.miteos.orchestrator.domain.run;

import java.math.BigDecimal;

/**
 * The task's budget cap ({@code max_cost}, null: none) and the estimated prices of the calls
 * admitted under it that have not been recorded yet. A call is admitted only when the recorded
 * cost, everything reserved and its own estimate together stay within the cap, so agents running
 * in parallel cannot overshoot together. Guarded by the run's lock, like every part.
 */
final class BudgetCap {

    private BigDecimal maxCost;
    private BigDecimal reserved = BigDecimal.ZERO;

    BudgetCap(BigDecimal maxCost) {
        this.maxCost = maxCost;
    }

    /** A cap given on a resume replaces the config's; reservations die with the process that made them. */
    void restore(RunState state) {
        if (state.maxCost() != null) {
            maxCost = state.maxCost();
        }
    }

    BigDecimal maxCost() {
        return maxCost;
    }

    void replace(BigDecimal cap) {
        maxCost = cap;
    }

    /** Reserves {@code estimate} if it fits under the cap beside {@code cost} and what is reserved; answers whether it did. */
    boolean tryReserve(BigDecimal cost, BigDecimal estimate) {
        if (maxCost != null && cost.add(reserved).add(estimate).compareTo(maxCost) > 0) {
            return false;
        }
        reserved = reserved.add(estimate);
        return true;
    }

    void release(BigDecimal estimate) {
        reserved = reserved.subtract(estimate).max(BigDecimal.ZERO);
    }
}
