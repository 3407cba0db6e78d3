package com.miteos.gateway.domain;

import com.miteos.gateway.domain.ApiProblem.FieldError;

import java.math.BigDecimal;
import java.util.List;

/**
 * An account's budget limits, set through the admin API, in credits (USD); either may be null.
 * {@code defaultMaxCost} is the cap of a task whose config has no {@code max_cost};
 * {@code ceiling} is the highest cap any of the account's tasks may have, at creation or on resume.
 * A task's cost itself is still only what the orchestrator records; these decide its cap.
 */
public record CostLimits(BigDecimal defaultMaxCost, BigDecimal ceiling) {

    public static final CostLimits NONE = new CostLimits(null, null);

    /**
     * The cap a new task runs with: its own {@code config.max_cost} (a 422 problem above the
     * ceiling), else the account's default, else the ceiling; null when the account has neither.
     */
    public BigDecimal capOfNewTask(BigDecimal requested) {
        if (requested != null) {
            return withinCeiling(requested, "config.max_cost");
        }
        if (defaultMaxCost == null) {
            return ceiling;
        }
        // The admin API keeps the default within the ceiling; the smaller one wins regardless.
        return ceiling != null && ceiling.compareTo(defaultMaxCost) < 0 ? ceiling : defaultMaxCost;
    }

    /** A resume's new cap, unchanged (null: none), or a 422 problem naming {@code field} above the ceiling. */
    public BigDecimal withinCeiling(BigDecimal cap, String field) {
        if (cap != null && ceiling != null && cap.compareTo(ceiling) > 0) {
            String message = "must be at most " + ceiling.toPlainString() + ", this account's max_cost_ceiling";
            throw new ApiProblem(422, "max-cost-above-ceiling", "Budget cap above the account's ceiling",
                    field + ": " + message + ".", List.of(new FieldError(field, message)));
        }
        return cap;
    }
}
