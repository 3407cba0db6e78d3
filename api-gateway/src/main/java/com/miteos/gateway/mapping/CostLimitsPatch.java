package com.miteos.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.domain.CostLimits;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A {@code PATCH /admin/v1/accounts/{id}} body: {@code default_max_cost} and {@code max_cost_ceiling},
 * each optional. A number sets the limit (the same rule as a task's {@code max_cost}), null clears
 * it, an absent field leaves it as it is. The limits that result must keep the default within the
 * ceiling.
 */
public record CostLimitsPatch(boolean setsDefault, BigDecimal defaultMaxCost, boolean setsCeiling,
        BigDecimal ceiling) {

    static final String DEFAULT = "default_max_cost";
    static final String CEILING = "max_cost_ceiling";
    private static final Set<String> FIELDS = Set.of(DEFAULT, CEILING);

    /** The patch, or a 400 problem naming every invalid field. */
    public static CostLimitsPatch parse(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(ClientText.echoable(name), "is not a known field"));
            }
        }
        BigDecimal defaultMaxCost = MaxCostField.parse(body.get(DEFAULT), DEFAULT, errors);
        BigDecimal ceiling = MaxCostField.parse(body.get(CEILING), CEILING, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new CostLimitsPatch(body.has(DEFAULT), defaultMaxCost, body.has(CEILING), ceiling);
    }

    /** The limits after this patch, or a 400 problem when the default would exceed the ceiling. */
    public CostLimits applyTo(CostLimits current) {
        CostLimits next = new CostLimits(setsDefault ? defaultMaxCost : current.defaultMaxCost(),
                setsCeiling ? ceiling : current.ceiling());
        if (next.defaultMaxCost() != null && next.ceiling() != null
                && next.defaultMaxCost().compareTo(next.ceiling()) > 0) {
            // Name the field this patch changed: a lowered ceiling is what is wrong, not the old default.
            throw ApiProblem.validation(List.of(setsCeiling && !setsDefault
                    ? new FieldError(CEILING, "must be at least default_max_cost ("
                            + next.defaultMaxCost().toPlainString() + ")")
                    : new FieldError(DEFAULT, "must be at most max_cost_ceiling ("
                            + next.ceiling().toPlainString() + ")")));
        }
        return next;
    }
}
