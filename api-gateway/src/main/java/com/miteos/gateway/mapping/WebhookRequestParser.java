package com.miteos.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the body of {@code POST /v1/webhooks}: {@code url} a string, {@code events} a non-empty
 * array of strings, nothing else. Whether the URL may be called and the events exist is
 * task-service's decision (it vets the URL with the SSRF guard); this only checks the shape.
 */
public final class WebhookRequestParser {

    /** A registration of the right shape. */
    public record NewWebhook(String url, List<String> events) {
    }

    private WebhookRequestParser() {
    }

    public static NewWebhook parse(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("url") && !name.equals("events")) {
                errors.add(new FieldError(name, "is not a known field"));
            }
        }
        JsonNode url = body.get("url");
        if (url == null || url.isNull()) {
            errors.add(new FieldError("url", "is required"));
        } else if (!url.isTextual()) {
            errors.add(new FieldError("url", "must be a string"));
        }
        JsonNode events = body.get("events");
        List<String> names = new ArrayList<>();
        if (events == null || events.isNull()) {
            errors.add(new FieldError("events", "is required"));
        } else if (!events.isArray() || events.isEmpty()) {
            errors.add(new FieldError("events", "must be a non-empty array of event names"));
        } else {
            for (JsonNode event : events) {
                if (!event.isTextual()) {
                    errors.add(new FieldError("events", "must be a non-empty array of event names"));
                    break;
                }
                names.add(event.asText());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new NewWebhook(url.asText(), names);
    }
}
