package com.miteos.gateway.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.domain.ApiProblem;

/**
 * Parses request bodies ourselves rather than letting the framework bind them, so that every
 * defect (malformed JSON, a wrong type, an unknown field) gets a precise 400 naming the field.
 */
public final class JsonBody {

    private static final ObjectMapper PARSER = new ObjectMapper();

    private JsonBody() {
    }

    /** The body as a JSON object, or a 400. */
    public static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiProblem(400, "malformed-body", "Malformed body", "The request body must be a JSON object.");
        }
        JsonNode node;
        try {
            node = PARSER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiProblem(400, "malformed-body", "Malformed body",
                    "The request body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ").");
        }
        if (node == null || !node.isObject()) {
            throw new ApiProblem(400, "malformed-body", "Malformed body", "The request body must be a JSON object.");
        }
        return node;
    }
}
