package com.miteos.gateway.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates JSON values against the schemas of an OpenAPI 3.1 document (JSON Schema 2020-12),
 * with a JSON Schema validator that knows nothing of OpenAPI: a schema is addressed by its JSON
 * pointer inside the document, so that its {@code $ref}s resolve in place. (The document is also
 * saved, for a look when a check fails.)
 */
final class OpenApiSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The document's address for the validator: a name only, nothing is fetched from it. */
    private static final String BASE = "https://openapi.miteos.test/openapi.json";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_POINTER)
                    .build()));

    private final JsonNode document;

    OpenApiSchemas(JsonNode document, Path file) {
        this.document = document;
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode document() {
        return document;
    }

    /** The node at the pointer, with a local {@code $ref} followed (repeatedly). */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref") && current.get("$ref").asText().startsWith("#/")) {
            current = document.at(current.get("$ref").asText().substring(1));
            if (current.isMissingNode()) {
                throw new IllegalStateException("dangling $ref " + node.get("$ref").asText());
            }
        }
        return current;
    }

    /** The validation errors of the value against the schema at this pointer (none: valid). */
    List<String> validate(JsonNode value, String schemaPointer) {
        JsonNode schemaNode = document.at(schemaPointer);
        if (schemaNode.isMissingNode()) {
            throw new IllegalArgumentException("no schema at " + schemaPointer);
        }
        try {
            // The whole document, with a root $ref to the schema: every local $ref resolves within it.
            ObjectNode root = document.deepCopy();
            root.put("$ref", "#" + schemaPointer);
            Schema schema = REGISTRY.getSchema(SchemaLocation.of(BASE + "?schema="
                    + URLEncoder.encode(schemaPointer, StandardCharsets.UTF_8)), JSON.writeValueAsString(root),
                    InputFormat.JSON);
            return schema.validate(JSON.writeValueAsString(value), InputFormat.JSON).stream()
                    .map(Object::toString).toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
