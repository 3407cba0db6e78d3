package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates custom resources against the {@code openAPIV3Schema} of their
 * CustomResourceDefinition, the way the API server would with strict field validation: a field
 * the schema does not declare is an error (unless the schema says
 * {@code x-kubernetes-preserve-unknown-fields}), as are wrong types, enums, patterns and missing
 * required fields. CRD schemas are OpenAPI 3.0 schemas, i.e. JSON Schema draft 4 plus a few
 * Kubernetes extensions, which {@link #strict} translates.
 */
final class CrdSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String JUNCTORS = "allOf anyOf oneOf not";

    /** "group/version Kind" to its schema. */
    private final Map<String, Schema> schemas = new HashMap<>();

    /** Adds every version of a CustomResourceDefinition document. */
    void add(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        String kind = spec.path("names").path("kind").asText();
        for (JsonNode version : spec.path("versions")) {
            JsonNode openApi = version.path("schema").path("openAPIV3Schema");
            if (openApi.isObject()) {
                String key = group + "/" + version.path("name").asText() + " " + kind;
                schemas.put(key, REGISTRY.getSchema(strict(openApi).toString(), InputFormat.JSON));
            }
        }
    }

    boolean isEmpty() {
        return schemas.isEmpty();
    }

    /** The schema errors of a custom resource, or empty when no CRD of its apiVersion and kind was added. */
    Optional<List<String>> errors(JsonNode resource) {
        Schema schema = schemas.get(resource.path("apiVersion").asText() + " " + resource.path("kind").asText());
        if (schema == null) {
            return Optional.empty();
        }
        return Optional.of(schema.validate(resource.toString(), InputFormat.JSON).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList());
    }

    /** The CRD schema as a JSON Schema that rejects undeclared fields. */
    static ObjectNode strict(JsonNode openApiSchema) {
        ObjectNode copy = openApiSchema.deepCopy();
        tighten(copy, true);
        return copy;
    }

    /**
     * {@code structural} is false inside allOf/anyOf/oneOf/not: there a schema only adds
     * constraints to fields declared outside, so it must not forbid the others.
     */
    private static void tighten(ObjectNode schema, boolean structural) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            schema.remove("type");
            ArrayNode anyOf = schema.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        if (schema.path("nullable").asBoolean(false) && schema.path("type").isTextual()) {
            ArrayNode types = NODES.arrayNode().add(schema.path("type").asText()).add("null");
            schema.set("type", types);
        }
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (structural && schema.has("properties") && !schema.has("additionalProperties") && !preserveUnknown) {
            schema.put("additionalProperties", false);
        }
        schema.path("properties").forEach(property -> tightenChild(property, structural));
        tightenChild(schema.path("items"), structural);
        tightenChild(schema.path("additionalProperties"), structural);
        for (String junctor : JUNCTORS.split(" ")) {
            JsonNode node = schema.path(junctor);
            if (node.isArray()) {
                node.forEach(child -> tightenChild(child, false));
            } else {
                tightenChild(node, false);
            }
        }
    }

    private static void tightenChild(JsonNode child, boolean structural) {
        if (child instanceof ObjectNode object) {
            tighten(object, structural);
        }
    }
}
