package com.miteos.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Validates a {@code POST /v1/tasks/{id}/resume} body: an optional message for the agents and an
 * optional new budget cap ({@code max_cost}).
 */
public final class ResumeRequestParser {

    public static final int MAX_MESSAGE_LENGTH = 4_000;
    private static final Set<String> FIELDS = Set.of("message", "max_cost");

    private ResumeRequestParser() {
    }

    /** A valid resume: the message and the new cap, each null when the body has none. */
    public record Resume(String message, BigDecimal maxCost) {
        public static final Resume NOTHING = new Resume(null, null);
    }

    public static Resume parse(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiProblem.validation(List.of(new FieldError(ClientText.echoable(name), "is not a known field")));
            }
        }
        List<FieldError> errors = new ArrayList<>();
        String message = message(body.get("message"), errors);
        BigDecimal maxCost = MaxCostField.parse(body.get("max_cost"), "max_cost", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new Resume(message, maxCost);
    }

    /** The message of a resume body, or null when it has none. */
    public static String message(JsonNode body) {
        return parse(body).message();
    }

    private static String message(JsonNode message, List<FieldError> errors) {
        if (message == null || message.isNull()) {
            return null;
        }
        if (!message.isTextual() || message.textValue().length() > MAX_MESSAGE_LENGTH) {
            errors.add(new FieldError("message", "must be a string of at most " + MAX_MESSAGE_LENGTH + " characters"));
            return null;
        }
        if (!ClientText.isStorable(message.textValue())) {
            errors.add(new FieldError("message", ClientText.NOT_STORABLE));
            return null;
        }
        return message.textValue().isBlank() ? null : message.textValue();
    }
}
