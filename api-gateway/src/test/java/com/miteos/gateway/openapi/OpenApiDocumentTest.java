package com.miteos.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.miteos.gateway.PinnedDefaults;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.hamcrest.Matchers.containsString;

/**
 * The OpenAPI document the gateway serves at {@code /q/openapi}: it is the committed
 * {@code docs/openapi.yaml}, it describes the public API only, every example of the API reference
 * (requests and responses) validates against it, and every problem type the gateway answers has
 * an example in it. Runs in the profile of ApiFuzzTest, so it starts no application of its own.
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class OpenApiDocumentTest {

    /** The committed document, from the api-gateway module directory (where Maven runs tests). */
    static final Path COMMITTED = Path.of("..", "docs", "openapi.yaml");
    static final Path SERVED_COPY = Path.of("target", "openapi", "openapi.yaml");
    static final String REGENERATE_PROPERTY = "openapi.regenerate";
    static final String REGENERATE_COMMAND = "./mvnw -B -ntp -o -pl api-gateway -am test -Dtest=OpenApiDocumentTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + REGENERATE_PROPERTY + "=true";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern PROBLEM_IN_CODE = Pattern.compile("new ApiProblem\\((\\d{3}),\\s*\"([a-z-]+)\"");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiSchemas schemas;
    private JsonNode doc;

    @BeforeEach
    void loadServedDocument() {
        String json = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        doc = read(JSON, json);
        schemas = new OpenApiSchemas(doc, Path.of("target", "openapi", "served.json"));
    }

    @Test
    void theServedDocumentIsTheCommittedOne() throws IOException {
        String served = given().queryParam("format", "yaml").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        Files.createDirectories(SERVED_COPY.getParent());
        Files.writeString(SERVED_COPY, served);
        if (Boolean.getBoolean(REGENERATE_PROPERTY)) {
            Files.writeString(COMMITTED, served);
            return;
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "{}";
        String difference = Differences.first(read(YAML, committed), read(YAML, served), "");
        if (difference != null) {
            fail("docs/openapi.yaml is not the document the gateway serves at /q/openapi (first difference at "
                    + difference + "; the served one is in api-gateway/" + SERVED_COPY + "). If the API change is "
                    + "intended, regenerate the committed copy and commit it:\n  " + REGENERATE_COMMAND);
        }
    }

    @Test
    void onlyThePublicApiIsDescribed() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        Map<String, String> operations = new TreeMap<>();
        doc.path("paths").fields().forEachRemaining(path -> METHODS.forEach(method -> {
            JsonNode operation = path.getValue().path(method);
            if (!operation.isMissingNode()) {
                operations.put(method.toUpperCase() + " " + path.getKey(), operation.path("operationId").asText());
            }
        }));
        assertThat(operations).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("POST /v1/tasks", "createTask"),
                Map.entry("GET /v1/tasks", "listTasks"),
                Map.entry("GET /v1/tasks/{id}", "getTask"),
                Map.entry("POST /v1/tasks/{id}/cancel", "cancelTask"),
                Map.entry("POST /v1/tasks/{id}/pause", "pauseTask"),
                Map.entry("POST /v1/tasks/{id}/resume", "resumeTask"),
                Map.entry("GET /v1/tasks/{id}/deliverables", "listDeliverables"),
                Map.entry("GET /v1/tasks/{id}/events", "streamTaskEvents"),
                Map.entry("GET /v1/tasks/{id}/deliverables/{file_id}/download", "downloadDeliverable"),
                Map.entry("POST /v1/webhooks", "createWebhook"),
                Map.entry("GET /v1/webhooks", "listWebhooks"),
                Map.entry("DELETE /v1/webhooks/{id}", "deleteWebhook"),
                Map.entry("POST /v1/webhooks/{id}/rotate-secret", "rotateWebhookSecret"),
                Map.entry("POST /v1/webhooks/{id}/enable", "enableWebhook"),
                Map.entry("GET /v1/webhooks/{id}/deliveries", "listWebhookDeliveries"),
                Map.entry("POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", "redeliverWebhook")));
        assertThat(doc.toString()).doesNotContain("/internal/").doesNotContain("/admin/");
        assertThat(doc.at("/components/securitySchemes/apiKey/scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/security/0/apiKey").isArray()).isTrue();
        forEachOperation((name, operation) -> {
            for (String status : List.of("401", "429", "500", "503")) {
                assertThat(operation.at("/responses/" + status).isMissingNode()).as(name + " " + status).isFalse();
            }
            operation.path("responses").fields().forEachRemaining(response -> assertThat(
                    schemas.resolve(response.getValue()).at("/headers/X-Request-Id").isMissingNode())
                    .as(name + " " + response.getKey() + " X-Request-Id").isFalse());
        });
        assertThat(schemas.resolve(doc.at(pointer("paths", "/v1/tasks", "post", "parameters", "0"))).path("name")
                .asText()).isEqualTo("Idempotency-Key");
        assertThat(schemas.resolve(doc.at("/components/responses/TaskPage")).at("/headers/RateLimit-Remaining")
                .isMissingNode()).isFalse();
    }

    @Test
    void swaggerUiRendersTheDocument() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void everyExampleRequestOfTheReferenceValidates() throws IOException {
        List<CurlExample> examples = CurlExample.parseAll(resource("reference/curl-examples.txt"));
        assertThat(examples).hasSize(6);
        List<String> errors = new ArrayList<>();
        for (CurlExample example : examples) {
            errors.addAll(new RequestCheck(schemas, example).errors());
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void everyExampleResponseOfTheReferenceValidates() throws IOException {
        Map<String, String> responses = Map.of(
                "create-task", "createTask 201",
                "list-tasks", "listTasks 200",
                "get-task", "getTask 200",
                "cancel-task", "cancelTask 200",
                "list-deliverables", "listDeliverables 200");
        for (Map.Entry<String, String> example : responses.entrySet()) {
            String[] operation = example.getValue().split(" ");
            String schema = responseSchema(operation[0], operation[1]);
            JsonNode body = read(JSON, resource("reference/responses/" + example.getKey() + ".json"));
            assertThat(schemas.validate(body, schema)).as(example.getKey() + " against " + schema).isEmpty();
        }
    }

    @Test
    void everyExampleInTheDocumentValidatesAgainstItsSchema() {
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (String section : List.of("responses", "requestBodies")) {
            Iterator<Map.Entry<String, JsonNode>> items = doc.at("/components/" + section).fields();
            while (items.hasNext()) {
                Map.Entry<String, JsonNode> item = items.next();
                Iterator<Map.Entry<String, JsonNode>> media = item.getValue().path("content").fields();
                while (media.hasNext()) {
                    Map.Entry<String, JsonNode> type = media.next();
                    String schema = pointer("components", section, item.getKey(), "content", type.getKey(), "schema");
                    for (JsonNode example : examplesOf(type.getValue())) {
                        checked++;
                        schemas.validate(example, schema).forEach(e -> errors.add(item.getKey() + ": " + e));
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(15);
        assertThat(errors).isEmpty();
    }

    @Test
    void everyProblemTypeOfTheGatewayHasAnExample() throws IOException {
        Map<String, Integer> problems = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = PROBLEM_IN_CODE.matcher(Files.readString(source));
                while (m.find()) {
                    problems.put(m.group(2), Integer.parseInt(m.group(1)));
                }
            }
        }
        assertThat(problems).containsKeys("validation-error", "not-found", "rate-limited", "task-finished");
        problems.forEach((type, status) -> {
            JsonNode example = doc.at(pointer("components", "examples", type, "value"));
            assertThat(example.isMissingNode()).as("components/examples/" + type).isFalse();
            assertThat(example.path("type").asText()).isEqualTo("https://api.miteos.com/problems/" + type);
            assertThat(example.path("status").asInt()).as(type).isEqualTo(status);
            assertThat(doc.at("/components/schemas/Problem/description").asText()).contains("`" + type + "` (" + status);
        });
    }

    private String responseSchema(String operationId, String status) {
        String[] found = new String[1];
        forEachOperation((name, operation) -> {
            if (operation.path("operationId").asText().equals(operationId)) {
                found[0] = name;
            }
        });
        assertThat(found[0]).as(operationId).isNotNull();
        String[] methodAndPath = found[0].split(" ", 2);
        JsonNode response = doc.at(pointer("paths", methodAndPath[1], methodAndPath[0], "responses", status));
        String base = response.has("$ref") ? response.get("$ref").asText().substring(1)
                : pointer("paths", methodAndPath[1], methodAndPath[0], "responses", status);
        return base + pointer("content", "application/json", "schema");
    }

    private void forEachOperation(java.util.function.BiConsumer<String, JsonNode> action) {
        doc.path("paths").fields().forEachRemaining(path -> METHODS.forEach(method -> {
            JsonNode operation = path.getValue().path(method);
            if (!operation.isMissingNode()) {
                action.accept(method + " " + path.getKey(), operation);
            }
        }));
    }

    private List<JsonNode> examplesOf(JsonNode mediaType) {
        List<JsonNode> found = new ArrayList<>();
        if (mediaType.has("example")) {
            found.add(mediaType.get("example"));
        }
        mediaType.path("examples").forEach(example -> found.add(schemas.resolve(example).path("value")));
        return found;
    }

    /** A JSON pointer from unescaped tokens. */
    static String pointer(String... tokens) {
        StringBuilder pointer = new StringBuilder();
        for (String token : tokens) {
            pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    private static JsonNode read(ObjectMapper mapper, String text) {
        try {
            JsonNode node = mapper.readTree(text);
            return node == null ? JsonNodeFactory.instance.objectNode() : node;
        } catch (IOException e) {
            throw new IllegalStateException("not readable: " + e.getMessage(), e);
        }
    }

    private static String resource(String name) throws IOException {
        try (var in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Where two JSON trees first differ, as a JSON pointer with what each side has. */
    static final class Differences {

        static String first(JsonNode committed, JsonNode served, String at) {
            if (committed.equals(served)) {
                return null;
            }
            if (committed.isObject() && served.isObject()) {
                Set<String> names = new HashSet<>();
                committed.fieldNames().forEachRemaining(names::add);
                served.fieldNames().forEachRemaining(names::add);
                for (String name : new java.util.TreeSet<>(names)) {
                    String inner = first(committed.path(name), served.path(name), at + pointer(name));
                    if (inner != null) {
                        return inner;
                    }
                }
            }
            if (committed.isArray() && served.isArray() && committed.size() == served.size()) {
                for (int i = 0; i < committed.size(); i++) {
                    String inner = first(committed.get(i), served.get(i), at + "/" + i);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
            return (at.isEmpty() ? "/" : at) + ": committed " + abbreviated(committed) + ", served " + abbreviated(served);
        }

        private static String abbreviated(JsonNode node) {
            String text = node.isMissingNode() ? "(nothing)" : node.toString();
            return text.length() > 120 ? text.substring(0, 117) + "..." : text;
        }
    }
}
