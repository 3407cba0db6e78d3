package com.miteos.deploy.kubernetes;

import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.extensions.SwaggerParserExtension;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Validates objects of the built-in Kubernetes APIs (Deployment, Service, PodDisruptionBudget,
 * HorizontalPodAutoscaler, NetworkPolicy, ...) against the Kubernetes OpenAPI schema that
 * fabric8's {@code kubernetes-model-validator} ships, with the validator it uses. Fields the schema
 * does not declare are errors, as with {@code kubectl apply}'s strict field validation; so are
 * wrong types and missing required fields.
 * <p>
 * fabric8's own {@code Validator} looks schemas up under names that miss the {@code *.k8s.io}
 * groups (a NetworkPolicy or an Ingress would pass unchecked) and passes any kind it does not
 * find; here the lookup follows the Kubernetes names and an unknown kind is an error.
 */
final class KubernetesSchemas {

    private static final String OPENAPI_RESOURCE = "/openshift-generated.json";
    private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private static final OpenAPI API = withIntOrString(parse());
    private static final SchemaValidator VALIDATOR = new SchemaValidator(API, new MessageResolver());
    private static final Map<String, Schema<?>> BY_NAME = byLowerCaseName(API);

    private KubernetesSchemas() {
    }

    /** The schema errors of one object; empty when it is valid. */
    static List<String> errors(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Schema<?> schema = BY_NAME.get(schemaName(apiVersion, kind).toLowerCase(Locale.ROOT));
        if (schema == null) {
            return List.of("no Kubernetes schema for apiVersion '" + apiVersion + "' kind '" + kind + "'");
        }
        return VALIDATOR.validate(() -> object, schema, "root").getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(ValidationReport.Message::getMessage)
                .toList();
    }

    /**
     * The OpenAPI name of a kind: {@code io.k8s.api.<group>.<version>.<Kind>} for the core group
     * and the Kubernetes groups ({@code apps}, {@code policy}, {@code networking.k8s.io}, ...), the
     * reversed group name for others (fabric8's convention, e.g. OpenShift's).
     */
    static String schemaName(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "core" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        if (!group.contains(".")) {
            return "io.k8s.api." + group + "." + version + "." + kind;
        }
        if (group.endsWith(".k8s.io")) {
            return "io.k8s.api." + group.substring(0, group.indexOf('.')) + "." + version + "." + kind;
        }
        List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
        Collections.reverse(parts);
        return String.join(".", parts) + "." + version + "." + kind;
    }

    private static OpenAPI parse() {
        try (InputStream in = Objects.requireNonNull(KubernetesSchemas.class.getResourceAsStream(OPENAPI_RESOURCE),
                OPENAPI_RESOURCE + " not on the class path (io.fabric8:kubernetes-model-validator)")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // The file is a Swagger 2.0 document: the parser's extensions include the converter.
            List<String> messages = new ArrayList<>();
            for (SwaggerParserExtension extension : OpenAPIV3Parser.getExtensions()) {
                SwaggerParseResult result = extension.readContents(json, null, new ParseOptions());
                if (result.getOpenAPI() != null) {
                    return result.getOpenAPI();
                }
                messages.addAll(result.getMessages());
            }
            throw new IllegalStateException("cannot parse " + OPENAPI_RESOURCE + ": " + messages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Swagger 2.0 schema can only say {@code type: string, format: int-or-string} for fields
     * like {@code maxUnavailable} or a NetworkPolicy's {@code port}; the API server takes an
     * integer or a string there, and so does this schema.
     */
    private static OpenAPI withIntOrString(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        if (!schemas.containsKey(INT_OR_STRING)) {
            throw new IllegalStateException(INT_OR_STRING + " not in " + OPENAPI_RESOURCE);
        }
        schemas.put(INT_OR_STRING, new ComposedSchema().addAnyOfItem(new IntegerSchema()).addAnyOfItem(new StringSchema()));
        return api;
    }

    private static Map<String, Schema<?>> byLowerCaseName(OpenAPI api) {
        Map<String, Schema<?>> byName = new HashMap<>();
        api.getComponents().getSchemas().forEach((name, schema) -> byName.put(name.toLowerCase(Locale.ROOT), schema));
        return byName;
    }
}
