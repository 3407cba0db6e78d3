package com.miteos.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.miteos.gateway.openapi.OpenApiDocumentTest.pointer;

/**
 * Checks one example request against the document as a client-side validator would: its path and
 * method are an operation, each path, query and header parameter fits its schema, required ones
 * are there and undeclared query parameters are not, the Authorization header is what the
 * security scheme asks for, and the body fits the request body's schema for its Content-Type.
 */
final class RequestCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenApiSchemas schemas;
    private final CurlExample example;
    private final List<String> errors = new ArrayList<>();

    RequestCheck(OpenApiSchemas schemas, CurlExample example) {
        this.schemas = schemas;
        this.example = example;
    }

    List<String> errors() {
        JsonNode doc = schemas.document();
        Iterator<String> templates = doc.path("paths").fieldNames();
        while (templates.hasNext()) {
            String template = templates.next();
            Matcher match = Pattern.compile(template.replaceAll("\\{[^}/]+}", "([^/]+)")).matcher(example.path());
            String method = example.method().toLowerCase();
            if (match.matches() && doc.path("paths").path(template).has(method)) {
                check(template, method, match);
                return errors;
            }
        }
        errors.add(example.method() + " " + example.path() + " is no operation of the document");
        return errors;
    }

    private void check(String template, String method, Matcher match) {
        String operation = pointer("paths", template, method);
        List<String> names = new ArrayList<>();
        Matcher placeholders = Pattern.compile("\\{([^}/]+)}").matcher(template);
        while (placeholders.find()) {
            names.add(placeholders.group(1));
        }
        JsonNode parameters = schemas.document().at(operation + "/parameters");
        for (int i = 0; i < parameters.size(); i++) {
            JsonNode parameter = schemas.resolve(parameters.get(i));
            String name = parameter.path("name").asText();
            String value = switch (parameter.path("in").asText()) {
                case "path" -> names.contains(name) ? match.group(names.indexOf(name) + 1) : null;
                case "query" -> example.query().get(name);
                case "header" -> example.headers().get(name);
                default -> null;
            };
            String schema = target(parameters.get(i), operation + "/parameters/" + i) + "/schema";
            if (value == null) {
                if (parameter.path("required").asBoolean()) {
                    errors.add(describe() + ": required parameter " + name + " missing");
                }
                continue;
            }
            schemas.validate(typed(value, schema), schema).forEach(e -> errors.add(describe() + ": " + name + " " + e));
        }
        for (String name : example.query().keySet()) {
            boolean declared = false;
            for (JsonNode parameter : parameters) {
                JsonNode resolved = schemas.resolve(parameter);
                declared |= resolved.path("in").asText().equals("query") && resolved.path("name").asText().equals(name);
            }
            if (!declared) {
                errors.add(describe() + ": query parameter " + name + " is not in the document");
            }
        }
        checkAuthorization(operation);
        checkBody(operation);
    }

    private void checkAuthorization(String operation) {
        JsonNode security = schemas.document().at(operation + "/security");
        JsonNode requirement = (security.isMissingNode() ? schemas.document().path("security") : security).path(0);
        String scheme = requirement.fieldNames().hasNext() ? requirement.fieldNames().next() : null;
        JsonNode definition = schemas.document().at(pointer("components", "securitySchemes", String.valueOf(scheme)));
        String authorization = example.headers().get("Authorization");
        if (!"bearer".equalsIgnoreCase(definition.path("scheme").asText())
                || authorization == null || !authorization.startsWith("Bearer ")) {
            errors.add(describe() + ": Authorization " + authorization + " does not fit security scheme " + scheme);
        }
    }

    private void checkBody(String operation) {
        JsonNode declared = schemas.document().at(operation + "/requestBody");
        if (example.body() == null) {
            if (!declared.isMissingNode() && schemas.resolve(declared).path("required").asBoolean()) {
                errors.add(describe() + ": the request body is required");
            }
            return;
        }
        if (declared.isMissingNode()) {
            errors.add(describe() + ": sends a body, the operation takes none");
            return;
        }
        String mediaType = example.headers().getOrDefault("Content-Type", "application/x-www-form-urlencoded");
        String schema = target(declared, operation + "/requestBody") + pointer("content", mediaType, "schema");
        if (schemas.document().at(schema).isMissingNode()) {
            errors.add(describe() + ": the operation takes no " + mediaType + " body");
            return;
        }
        try {
            schemas.validate(JSON.readTree(example.body()), schema).forEach(e -> errors.add(describe() + ": body " + e));
        } catch (IOException e) {
            errors.add(describe() + ": body is not JSON: " + e.getMessage());
        }
    }

    /** A parameter's text as the JSON value its schema's type says it is (query strings carry numbers as text). */
    private JsonNode typed(String value, String schemaPointer) {
        String type = schemas.resolve(schemas.document().at(schemaPointer)).path("type").asText();
        try {
            return switch (type) {
                case "integer" -> JsonNodeFactory.instance.numberNode(Long.parseLong(value));
                case "number" -> JsonNodeFactory.instance.numberNode(Double.parseDouble(value));
                case "boolean" -> JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
                default -> JsonNodeFactory.instance.textNode(value);
            };
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.textNode(value);
        }
    }

    /** The pointer of what a node means: its {@code $ref} target, or the node itself. */
    private static String target(JsonNode node, String pointerOfNode) {
        return node.has("$ref") ? node.get("$ref").asText().substring(1) : pointerOfNode;
    }

    private String describe() {
        return example.method() + " " + example.path() + (example.query().isEmpty() ? "" : "?" + example.query());
    }
}
