package com.miteos.gateway.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
        } catch (StreamConstraintsException e) {
            // The parser's guards against resource exhaustion: nesting deeper than 1,000 levels,
            // numbers of more than 1,000 digits. They come without a location.
            throw new ApiProblem(400, "malformed-body", "Malformed body",
                    "The request body nests too deeply or holds a number too long to read.");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ApiProblem(400, "malformed-body", "Malformed body", at == null
                    ? "The request body is not valid JSON."
                    : "The request body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr()
                            + ").");
        }
        if (node == null || !node.isObject()) {
            throw new ApiProblem(400, "malformed-body", "Malformed body", "The request body must be a JSON object.");
        }
        return node;
    }
}
