package com.miteos.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;

import java.util.Iterator;
import java.util.List;

/** Validates a {@code POST /v1/tasks/{id}/resume} body: an optional message for the agents. */
public final class ResumeRequestParser {

    public static final int MAX_MESSAGE_LENGTH = 4_000;

    private ResumeRequestParser() {
    }

    /** The message, or null when the body has none. */
    public static String message(JsonNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("message")) {
                throw ApiProblem.validation(List.of(new FieldError(ClientText.echoable(name), "is not a known field")));
            }
        }
        JsonNode message = body.get("message");
        if (message == null || message.isNull()) {
            return null;
        }
        if (!message.isTextual() || message.textValue().length() > MAX_MESSAGE_LENGTH) {
            throw ApiProblem.validation(List.of(new FieldError("message",
                    "must be a string of at most " + MAX_MESSAGE_LENGTH + " characters")));
        }
        if (!ClientText.isStorable(message.textValue())) {
            throw ApiProblem.validation(List.of(new FieldError("message", ClientText.NOT_STORABLE)));
        }
        return message.textValue().isBlank() ? null : message.textValue();
    }
}
