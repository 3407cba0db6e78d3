package com.miteos.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem.FieldError;

import java.math.BigDecimal;
import java.util.List;

/**
 * A budget cap in a request body ({@code config.max_cost} of a new task, {@code max_cost} of a
 * resume): a JSON number of credits (USD) above 0 and at most {@link #MAX}, or null for none.
 * Read from its decimal text, so 0.1 is exactly 0.1.
 */
public final class MaxCostField {

    public static final BigDecimal MAX = new BigDecimal("1000000");
    public static final String RULE = "must be a number greater than 0 and at most " + MAX.toPlainString();

    private MaxCostField() {
    }

    /** The cap, or null when absent or null; a problem goes to {@code errors} under {@code field}. */
    public static BigDecimal parse(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            errors.add(new FieldError(field, RULE));
            return null;
        }
        BigDecimal cap = node.isFloatingPointNumber() ? new BigDecimal(node.asText()) : node.decimalValue();
        if (cap.signum() <= 0 || cap.compareTo(MAX) > 0) {
            errors.add(new FieldError(field, RULE));
            return null;
        }
        // 50.00 is 50, not 5E+1 (what stripTrailingZeros alone makes, and Jackson writes).
        BigDecimal stripped = cap.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
