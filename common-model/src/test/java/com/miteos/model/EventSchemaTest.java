package com.miteos.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventTypes;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.event.Topics;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Keeps the published event contracts honest. The JSON Schemas and the AsyncAPI document under
 * {@code META-INF/miteos/} are what non-Java Kafka clients build against, while the services
 * themselves use the Java records through {@link EventJson}; nothing else forces the two to agree.
 * So this test checks both directions: everything the records write (the golden files, and fresh
 * events of every type) validates, and events the records would never write (missing fields,
 * unknown enum values, out-of-range numbers, wrong types) do not. It also checks that the schemas
 * cover every {@link EventTypes} constant and list exactly the Java enums' values, that unknown
 * properties stay allowed (consumers must tolerate newer producers), and that the AsyncAPI
 * document names exactly the {@link Topics}, the right producers and consumers, and only
 * {@code $ref}s that resolve.
 */
class EventSchemaTest {

    private static final String BASE = "META-INF/miteos/";
    private static final String SCHEMAS = BASE + "schemas/";
    private static final String ENVELOPE_FILE = "event-envelope.json";
    private static final String COMMON_FILE = "common.json";
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    // In 2020-12 "format" only annotates unless asked to assert: ask, so that
                    // a timestamp that is not a date-time fails.
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_POINTER)
                    .build()));
    private static final Schema ENVELOPE = schemaAt("classpath:" + SCHEMAS + ENVELOPE_FILE);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Which event types each topic carries, as {@link Topics} documents it. */
    private static final Map<String, Set<String>> TYPES_BY_TOPIC = Map.of(
            Topics.TASK_CREATED, Set.of(EventTypes.TASK_CREATED),
            Topics.TASK_CANCEL, Set.of(EventTypes.TASK_CANCEL_REQUESTED),
            Topics.TASK_CONTROL, Set.of(EventTypes.TASK_PAUSE_REQUESTED, EventTypes.TASK_RESUME_REQUESTED),
            Topics.TASK_STATUS, Set.of(EventTypes.TASK_STATUS_CHANGED),
            Topics.TASK_DELIVERABLE, Set.of(EventTypes.DELIVERABLE_CREATED));

    // --- Events that must validate ----------------------------------------------------------

    static Stream<String> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(resourceDirectory("golden"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".json"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void everyGoldenEventValidatesAgainstTheEnvelopeSchema(String file) {
        assertThat(ENVELOPE.validate(resource("golden/" + file), InputFormat.JSON)).isEmpty();
    }

    static Stream<Arguments> freshEvents() {
        String task = Ids.newId(IdPrefix.TASK);
        String account = Ids.newId(IdPrefix.ACCOUNT);
        String agent = Ids.newId(IdPrefix.AGENT);
        String deliverable = Ids.newId(IdPrefix.DELIVERABLE);
        Instant now = Instant.now();
        return Stream.of(
                Arguments.of("live task with defaults", EventEnvelope.of(task, account, Mode.LIVE, 0,
                        new TaskCreated("Summarise the news", new TaskConfig(3, 50, false, null, null), now))),
                Arguments.of("live task that deploys", EventEnvelope.of(task, account, Mode.LIVE, 0,
                        new TaskCreated("Build a landing page", new TaskConfig(10, 100, true,
                                "s3://sites/landing", null), now))),
                Arguments.of("sandbox task that fails slowly", EventEnvelope.of(task, account, Mode.TEST, 0,
                        new TaskCreated("x", new TaskConfig(1, 0, false, null,
                                new SandboxConfig(SandboxConfig.MAX_STEP_DELAY_MS, SandboxOutcome.FAIL)), now))),
                Arguments.of("cancel request", EventEnvelope.of(task, account, Mode.TEST, 0,
                        new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST))),
                Arguments.of("pause request", EventEnvelope.of(task, account, Mode.LIVE, 0,
                        new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST))),
                Arguments.of("resume request without a message", EventEnvelope.of(task, account, Mode.TEST, 0,
                        new TaskResumeRequested(null))),
                Arguments.of("resume request with the longest message", EventEnvelope.of(task, account, Mode.LIVE, 0,
                        new TaskResumeRequested("Go on. ".repeat(571) + "ok."))),
                Arguments.of("pending task", EventEnvelope.of(task, account, Mode.LIVE, 1,
                        new TaskStatusChanged(TaskStatus.PENDING, List.of(), BigDecimal.ZERO, 0, null, null, null,
                                now))),
                Arguments.of("running task with a tiny cost", EventEnvelope.of(task, account, Mode.LIVE, 2,
                        new TaskStatusChanged(TaskStatus.RUNNING, List.of(
                                new AgentState(agent, "researcher", AgentStatus.ACTING, "web_search", 100, null),
                                new AgentState(Ids.newId(IdPrefix.AGENT), "writer", AgentStatus.QUEUED, null, 0, null)),
                                new BigDecimal("0.000000125"), 0, null, null, null, now))),
                Arguments.of("failed task", EventEnvelope.of(task, account, Mode.TEST, 3,
                        new TaskStatusChanged(TaskStatus.FAILED,
                                List.of(new AgentState(agent, "writer", AgentStatus.FAILED, null, 40, null)),
                                new BigDecimal("1.5"), 1, new TaskError("step_limit_exceeded", "Too many steps."),
                                null, null, now))),
                Arguments.of("task paused by its user", EventEnvelope.of(task, account, Mode.LIVE, 5,
                        new TaskStatusChanged(TaskStatus.PAUSED,
                                List.of(new AgentState(agent, "researcher", AgentStatus.WAITING, null, 30, null)),
                                new BigDecimal("0.02"), 0, null, StatusDetail.pausedByUser(), null, now))),
                Arguments.of("task waiting for its deploy to be approved", EventEnvelope.of(task, account, Mode.LIVE, 6,
                        new TaskStatusChanged(TaskStatus.PAUSED,
                                List.of(new AgentState(agent, "builder", AgentStatus.DONE, null, 100, null)),
                                new BigDecimal("0.3"), 2, null,
                                StatusDetail.awaitingApproval(new PendingAction(PendingAction.DEPLOY,
                                        "Publish 2 files to https://hooks.example.com/miteos.",
                                        List.of("index.html", "style.css"), "https://hooks.example.com/miteos")),
                                new Deployment("https://hooks.example.com/miteos", Deployment.AWAITING_APPROVAL, null,
                                        null),
                                now))),
                Arguments.of("plan waiting for approval, without details", EventEnvelope.of(task, account, Mode.TEST, 1,
                        new TaskStatusChanged(TaskStatus.PAUSED, List.of(), BigDecimal.ZERO, 0, null,
                                StatusDetail.awaitingApproval(new PendingAction(PendingAction.PLAN, "One agent writes.",
                                        null, null)),
                                null, now))),
                Arguments.of("complete task whose deployment failed", EventEnvelope.of(task, account, Mode.LIVE, 7,
                        new TaskStatusChanged(TaskStatus.COMPLETE,
                                List.of(new AgentState(agent, "builder", AgentStatus.DONE, null, 100, null)),
                                new BigDecimal("0.31"), 2, null, null,
                                new Deployment("s3://sites/landing", Deployment.FAILED, null,
                                        new TaskError("deploy_failed", "The bucket sites does not exist.")),
                                now))),
                Arguments.of("deliverable", EventEnvelope.of(task, account, Mode.TEST, 4,
                        new DeliverableCreated(deliverable, agent, "report (final).md", "text/markdown", 0,
                                account + "/test/" + task + "/" + deliverable, now))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("freshEvents")
    void everyEventThatEventJsonWritesValidates(String description, EventEnvelope<?> event) {
        assertThat(ENVELOPE.validate(EventJson.toJson(event), InputFormat.JSON)).isEmpty();
    }

    @Test
    void theFreshEventsCoverEveryEventType() {
        Set<String> types = freshEvents().map(arguments -> ((EventEnvelope<?>) arguments.get()[1]).type())
                .collect(Collectors.toSet());

        assertThat(types).containsExactlyInAnyOrderElementsOf(constants(EventTypes.class));
    }

    @Test
    void unknownPropertiesAreAllowedAtEveryLevelAsConsumersMustTolerateThem() throws IOException {
        ObjectNode event = golden("task-status-changed.json");
        event.put("trace_id", "abc");
        payload(event).put("eta_seconds", 30);
        ((ObjectNode) payload(event).withArray("agents").get(0)).put("model", "sandbox");
        String json = JSON.writeValueAsString(event);

        assertThat(ENVELOPE.validate(json, InputFormat.JSON)).isEmpty();
        assertThat(EventJson.fromJson(json).type()).isEqualTo(EventTypes.TASK_STATUS_CHANGED);
    }

    @Test
    void unknownPropertiesAreAllowedInStatusDetailAndDeploymentToo() throws IOException {
        ObjectNode paused = golden("task-status-paused.json");
        statusDetail(paused).put("since", "2025-01-15T10:23:52Z");
        action(paused).put("estimated_cost", 0.05);
        ObjectNode deployed = golden("task-status-deployed.json");
        deployment(deployed).put("duration_ms", 820);

        for (ObjectNode event : List.of(paused, deployed)) {
            String json = JSON.writeValueAsString(event);
            assertThat(ENVELOPE.validate(json, InputFormat.JSON)).isEmpty();
            assertThat(EventJson.fromJson(json).type()).isEqualTo(EventTypes.TASK_STATUS_CHANGED);
        }
    }

    // --- Events that must not validate ------------------------------------------------------

    static Stream<Arguments> brokenEvents() {
        return Stream.of(
                broken("missing task_id", "task-created.json", "task_id", e -> e.remove("task_id")),
                broken("missing payload", "task-cancel-requested.json", "payload", e -> e.remove("payload")),
                broken("unknown event type", "task-cancel-requested.json", "type",
                        e -> e.put("type", "TaskRenamed")),
                broken("unknown mode", "task-cancel-requested.json", "mode", e -> e.put("mode", "staging")),
                broken("sequence of the wrong type", "task-status-changed.json", "sequence",
                        e -> e.put("sequence", "7")),
                broken("negative sequence", "task-status-changed.json", "sequence", e -> e.put("sequence", -1)),
                broken("TaskCreated with a sequence other than 0", "task-created.json", "sequence",
                        e -> e.put("sequence", 3)),
                broken("orchestrator event with sequence 0", "deliverable-created.json", "sequence",
                        e -> e.put("sequence", 0)),
                broken("task id without its prefix", "task-created.json", "task_id",
                        e -> e.put("task_id", "01hwxyz4k8p3mq9rbn2csved")),
                broken("upper-case event id", "task-created.json", "event_id",
                        e -> e.put("event_id", "evt_01HWXYZ4K8P3MQ9RBN2CSVEA")),
                broken("timestamp that is no date-time", "task-created.json", "occurred_at",
                        e -> e.put("occurred_at", "yesterday")),
                broken("timestamp not in UTC", "task-created.json", "created_at",
                        e -> payload(e).put("created_at", "2025-01-15T11:23:44+01:00")),
                broken("blank prompt", "task-created.json", "prompt", e -> payload(e).put("prompt", "   ")),
                broken("max_agents 11", "task-created.json", "max_agents", e -> config(e).put("max_agents", 11)),
                broken("max_agents 0", "task-created.json", "max_agents", e -> config(e).put("max_agents", 0)),
                broken("autonomy_level 101", "task-created.json", "autonomy_level",
                        e -> config(e).put("autonomy_level", 101)),
                broken("missing deploy_target", "task-created.json", "deploy_target",
                        e -> config(e).remove("deploy_target")),
                broken("auto_deploy without a deploy_target", "task-created.json", "deploy_target",
                        e -> config(e).put("auto_deploy", true)),
                broken("deploy_target over plain http", "task-created.json", "deploy_target",
                        e -> config(e).put("deploy_target", "http://example.com/site")),
                broken("step_delay_ms 10001", "task-created.json", "step_delay_ms",
                        e -> ((ObjectNode) config(e).get("sandbox")).put("step_delay_ms", 10_001)),
                broken("unknown sandbox outcome", "task-created.json", "outcome",
                        e -> ((ObjectNode) config(e).get("sandbox")).put("outcome", "crash")),
                broken("sandbox config on a live task", "task-created.json", "sandbox", e -> e.put("mode", "live")),
                broken("unknown task status", "task-status-changed.json", "status",
                        e -> payload(e).put("status", "sideways")),
                broken("failed without an error", "task-status-failed.json", "error",
                        e -> payload(e).remove("error")),
                broken("negative cost", "task-status-changed.json", "cost", e -> payload(e).put("cost", -0.01)),
                broken("cost as a string", "task-status-changed.json", "cost", e -> payload(e).put("cost", "0.04")),
                broken("negative deliverables_count", "task-status-changed.json", "deliverables_count",
                        e -> payload(e).put("deliverables_count", -1)),
                broken("unknown agent status", "task-status-changed.json", "status",
                        e -> agent(e).put("status", "sleeping")),
                broken("agent progress 101", "task-status-changed.json", "progress",
                        e -> agent(e).put("progress", 101)),
                broken("agent without current_tool", "task-status-changed.json", "current_tool",
                        e -> agent(e).remove("current_tool")),
                broken("agent id of another kind", "task-status-changed.json", "id",
                        e -> agent(e).put("id", "task_01hwxyz9r4m7nk2tsd6pvqcbaa")),
                broken("negative size_bytes", "deliverable-created.json", "size_bytes",
                        e -> payload(e).put("size_bytes", -1)),
                broken("deliverable name with a path", "deliverable-created.json", "name",
                        e -> payload(e).put("name", "../etc/passwd")),
                broken("object_key outside the task layout", "deliverable-created.json", "object_key",
                        e -> payload(e).put("object_key", "elsewhere/report.md")),
                broken("cancel without a reason", "task-cancel-requested.json", "reason",
                        e -> payload(e).remove("reason")),
                broken("pause with sequence 1", "task-pause-requested.json", "sequence", e -> e.put("sequence", 1)),
                broken("resume with sequence 2", "task-resume-requested.json", "sequence",
                        e -> e.put("sequence", 2)),
                broken("pause without a reason", "task-pause-requested.json", "reason",
                        e -> payload(e).remove("reason")),
                broken("pause reason that is no code", "task-pause-requested.json", "reason",
                        e -> payload(e).put("reason", "I need a coffee")),
                broken("blank resume message", "task-resume-requested.json", "message",
                        e -> payload(e).put("message", " \n ")),
                broken("resume message of 4,001 characters", "task-resume-requested.json", "message",
                        e -> payload(e).put("message", "x".repeat(4_001))),
                broken("resume message that is no string", "task-resume-requested.json", "message",
                        e -> payload(e).put("message", 42)),
                broken("paused without a status_detail", "task-status-paused.json", "status_detail",
                        e -> payload(e).remove("status_detail")),
                broken("unknown status_detail reason", "task-status-paused.json", "status_detail/reason",
                        e -> statusDetail(e).put("reason", "coffee_break")),
                broken("status_detail without a reason", "task-status-paused.json", "reason",
                        e -> statusDetail(e).remove("reason")),
                broken("awaiting approval of nothing", "task-status-paused.json", "action",
                        e -> statusDetail(e).remove("action")),
                broken("unknown pending action type", "task-status-paused.json", "action/type",
                        e -> action(e).put("type", "delete_everything")),
                broken("pending action without a description", "task-status-paused.json", "description",
                        e -> action(e).remove("description")),
                broken("empty pending action details", "task-status-paused.json", "details",
                        e -> action(e).putArray("details")),
                broken("pending action detail that is no string", "task-status-paused.json", "details",
                        e -> action(e).withArray("details").add(7)),
                broken("deploy action without a target", "task-status-paused.json", "target",
                        e -> action(e).put("type", PendingAction.DEPLOY)),
                broken("deploy action to plain http", "task-status-paused.json", "action/target",
                        e -> action(e).put("type", PendingAction.DEPLOY).put("target", "http://example.com/site")),
                broken("unknown deployment status", "task-status-deployed.json", "deployment/status",
                        e -> deployment(e).put("status", "deploying")),
                broken("deployment without a target", "task-status-deployed.json", "target",
                        e -> deployment(e).remove("target")),
                broken("deployment target over plain http", "task-status-deployed.json", "deployment/target",
                        e -> deployment(e).put("target", "http://example.com/site")),
                broken("deployment url that is no URL", "task-status-deployed.json", "deployment/url",
                        e -> deployment(e).put("url", "index.html")),
                broken("failed deployment without an error", "task-status-deployed.json", "error",
                        e -> deployment(e).put("status", Deployment.FAILED)),
                broken("deployment error without a code", "task-status-deployed.json", "code",
                        e -> deployment(e).put("status", Deployment.FAILED).putObject("error")
                                .put("message", "The bucket does not exist.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEvents")
    void brokenEventsFailValidationOnTheBrokenField(String description, String json, String field) {
        List<com.networknt.schema.Error> errors = ENVELOPE.validate(json, InputFormat.JSON);

        assertThat(errors).as(description).isNotEmpty();
        assertThat(errors).as("errors of: %s", description)
                .anySatisfy(error -> assertThat(error.getInstanceLocation() + " " + error.getProperty() + " "
                        + error.getMessage()).contains(field));
    }

    // --- The schema files -------------------------------------------------------------------

    @Test
    void everyEventTypeHasAPayloadSchemaThatTheEnvelopeSelectsByType() {
        JsonNode envelope = schemaTree(ENVELOPE_FILE);
        List<String> types = constants(EventTypes.class);

        assertThat(envelope.at("/properties/type/enum")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrderElementsOf(types);
        for (String type : types) {
            String file = kebab(type) + ".json";
            assertThat(schemaTree(file).path("title").asText()).as("title of %s", file).isEqualTo(type);
            JsonNode branch = branchFor(envelope, type);
            assertThat(branch).as("envelope branch for %s", type).isNotNull();
            assertThat(branch.at("/properties/payload/$ref").asText()).as("payload of %s", type).isEqualTo(file);
        }
    }

    @Test
    void theSchemaDirectoryHoldsTheEnvelopeTheSharedDefinitionsAndOneSchemaPerEventType() throws IOException {
        Set<String> expected = new HashSet<>(Set.of(ENVELOPE_FILE, COMMON_FILE));
        constants(EventTypes.class).forEach(type -> expected.add(kebab(type) + ".json"));

        try (Stream<Path> files = Files.list(resourceDirectory(SCHEMAS))) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    static Stream<String> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(resourceDirectory(SCHEMAS))) {
            return files.map(file -> file.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaFiles")
    void everySchemaFileIsAValidDraft202012Schema(String file) {
        assertThat(schemaTree(file).path("$schema").asText()).isEqualTo(DRAFT_2020_12);
        assertThat(schemaAt(DRAFT_2020_12).validate(resource(SCHEMAS + file), InputFormat.JSON)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaFiles")
    void noSchemaForbidsAdditionalProperties(String file) {
        assertThat(resource(SCHEMAS + file)).doesNotContain("\"additionalProperties\"")
                .doesNotContain("\"unevaluatedProperties\"");
    }

    @Test
    void schemaEnumsAndRangesMatchTheJavaModel() {
        JsonNode created = schemaTree("task-created.json");
        JsonNode status = schemaTree("task-status-changed.json");

        assertThat(values(status.at("/properties/status/enum"))).isEqualTo(TaskStatus.names());
        assertThat(values(status.at("/$defs/agentState/properties/status/enum")))
                .isEqualTo(Arrays.stream(AgentStatus.values()).map(AgentStatus::value).toList());
        assertThat(values(schemaTree(COMMON_FILE).at("/$defs/mode/enum")))
                .isEqualTo(Arrays.stream(Mode.values()).map(Mode::value).toList());
        assertThat(values(created.at("/$defs/sandboxConfig/properties/outcome/enum")))
                .isEqualTo(Arrays.stream(SandboxOutcome.values()).map(SandboxOutcome::value).toList());
        assertThat(values(status.at("/$defs/statusDetail/properties/reason/enum")))
                .containsExactlyInAnyOrderElementsOf(constants(StatusDetail.class));
        assertThat(values(status.at("/$defs/pendingAction/properties/type/enum")))
                .containsExactlyInAnyOrderElementsOf(constants(PendingAction.class));
        assertThat(values(status.at("/$defs/deployment/properties/status/enum")))
                .containsExactlyInAnyOrderElementsOf(constants(Deployment.class));

        JsonNode config = created.at("/$defs/taskConfig/properties");
        assertThat(config.at("/max_agents/minimum").asInt()).isEqualTo(TaskConfig.MIN_MAX_AGENTS);
        assertThat(config.at("/max_agents/maximum").asInt()).isEqualTo(TaskConfig.MAX_MAX_AGENTS);
        assertThat(config.at("/autonomy_level/maximum").asInt()).isEqualTo(TaskConfig.MAX_AUTONOMY_LEVEL);
        assertThat(created.at("/$defs/sandboxConfig/properties/step_delay_ms/maximum").asInt())
                .isEqualTo(SandboxConfig.MAX_STEP_DELAY_MS);
    }

    @Test
    void idPatternsAcceptEveryKindOfGeneratedId() {
        JsonNode common = schemaTree(COMMON_FILE);
        Map<String, IdPrefix> defs = Map.of("eventId", IdPrefix.EVENT, "taskId", IdPrefix.TASK,
                "accountId", IdPrefix.ACCOUNT, "agentId", IdPrefix.AGENT, "deliverableId", IdPrefix.DELIVERABLE);

        defs.forEach((def, prefix) -> assertThat(Ids.newId(prefix))
                .as("%s for %s", def, prefix).matches(common.at("/$defs/" + def + "/pattern").asText()));
    }

    // --- The AsyncAPI document --------------------------------------------------------------

    @Test
    void asyncApiDocumentIsAsyncApi3WithTheLocalKafkaServer() {
        JsonNode doc = asyncApi();

        assertThat(doc.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(doc.at("/servers/local/host").asText()).isEqualTo("127.0.0.1:9092");
        assertThat(doc.at("/servers/local/protocol").asText()).isEqualTo("kafka");
    }

    @Test
    void channelAddressesAreExactlyTheTopics() {
        List<String> addresses = new ArrayList<>();
        asyncApi().path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));

        assertThat(addresses).containsExactlyInAnyOrderElementsOf(constants(Topics.class));
    }

    @Test
    void everyEventChannelCarriesItsEventTypeKeyedByTaskId() {
        JsonNode doc = asyncApi();
        JsonNode keyedByTask = doc.at("/components/messageTraits/KeyedByTask/bindings/kafka/key");
        assertThat(keyedByTask.path("pattern").asText()).isEqualTo("^task_[0-9a-z]+$");

        TYPES_BY_TOPIC.forEach((topic, types) -> {
            Set<String> carried = new HashSet<>();
            channel(doc, topic).path("messages").forEach(reference -> {
                JsonNode message = resolveLocal(doc, reference);
                assertThat(message.at("/payload/schema/allOf/0/$ref").asText())
                        .isEqualTo("./schemas/" + ENVELOPE_FILE);
                assertThat(message.at("/traits/0/$ref").asText())
                        .isEqualTo("#/components/messageTraits/KeyedByTask");
                carried.add(message.at("/payload/schema/allOf/1/properties/type/const").asText());
            });
            assertThat(carried).as("event types on %s", topic).containsExactlyInAnyOrderElementsOf(types);
        });
    }

    @Test
    void messagePayloadSchemasAcceptOnlyTheirOwnEventType() throws IOException {
        JsonNode doc = asyncApi();
        for (String type : constants(EventTypes.class)) {
            // The document as a whole is no schema: load just the payload schema, located inside
            // asyncapi.yaml so that its relative $ref resolves as AsyncAPI tools resolve it.
            String pointer = "/components/messages/" + type + "/payload/schema";
            Schema payload = REGISTRY.getSchema(SchemaLocation.of("classpath:" + BASE + "asyncapi.yaml#" + pointer),
                    JSON.writeValueAsString(doc.at(pointer)), InputFormat.JSON);
            for (String file : goldenFiles().toList()) {
                String event = resource("golden/" + file);
                boolean ofThisType = JSON.readTree(event).path("type").asText().equals(type);
                assertThat(payload.validate(event, InputFormat.JSON).isEmpty())
                        .as("%s against the %s message", file, type).isEqualTo(ofThisType);
            }
        }
    }

    @Test
    void operationsNameTheProducersAndConsumersOfEveryTopic() {
        JsonNode doc = asyncApi();
        List<Tuple> operations = new ArrayList<>();
        doc.path("operations").forEach(operation -> operations.add(tuple(
                operation.at("/tags/0/name").asText(),
                operation.path("action").asText(),
                resolveLocal(doc, operation.path("channel")).path("address").asText())));

        assertThat(operations).containsExactlyInAnyOrder(
                tuple("api-gateway", "send", Topics.TASK_CREATED),
                tuple("api-gateway", "send", Topics.TASK_CANCEL),
                tuple("api-gateway", "send", Topics.TASK_CONTROL),
                tuple("agent-orchestrator", "receive", Topics.TASK_CREATED),
                tuple("agent-orchestrator", "receive", Topics.TASK_CANCEL),
                tuple("agent-orchestrator", "receive", Topics.TASK_CONTROL),
                tuple("agent-orchestrator", "send", Topics.TASK_STATUS),
                tuple("agent-orchestrator", "send", Topics.TASK_DELIVERABLE),
                tuple("agent-orchestrator", "send", Topics.DEAD_LETTER),
                tuple("task-service", "receive", Topics.TASK_CREATED),
                tuple("task-service", "receive", Topics.TASK_STATUS),
                tuple("task-service", "send", Topics.DEAD_LETTER),
                tuple("deliverable-service", "receive", Topics.TASK_DELIVERABLE),
                tuple("deliverable-service", "send", Topics.DEAD_LETTER));
    }

    @Test
    void deadLetterMessagesDocumentTheReasonAndOriginHeaders() {
        JsonNode headers = asyncApi().at("/components/messages/DeadLetter/headers");

        assertThat(values(headers.path("required"))).contains("dead-letter-reason", "dead-letter-topic",
                "dead-letter-partition", "dead-letter-offset");
        assertThat(values(headers.at("/properties/dead-letter-topic/enum")))
                .containsExactlyInAnyOrderElementsOf(TYPES_BY_TOPIC.keySet());
    }

    static Stream<String> documentsWithRefs() {
        return Stream.concat(Stream.of("asyncapi.yaml"), schemaFilesUnchecked().map(file -> "schemas/" + file))
                .filter(document -> resource(BASE + document).contains("$ref"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentsWithRefs")
    void everyRefPointsAtSomethingThatExists(String document) {
        JsonNode tree = tree(BASE + document);
        List<String> refs = new ArrayList<>();
        collectRefs(tree, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            int hash = ref.indexOf('#');
            String file = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            JsonNode target = tree;
            if (!file.isEmpty()) {
                String path = Path.of(BASE + document).resolveSibling(file).normalize().toString().replace('\\', '/');
                assertThat(EventSchemaTest.class.getResource("/" + path)).as("file of %s", ref).isNotNull();
                target = tree(path);
            }
            assertThat(target.at(pointer).isMissingNode()).as("target of %s in %s", ref, document).isFalse();
        });
    }

    // --- Helpers ----------------------------------------------------------------------------

    private static Arguments broken(String description, String goldenFile, String field, Consumer<ObjectNode> change) {
        ObjectNode event = golden(goldenFile);
        change.accept(event);
        try {
            return Arguments.of(description, JSON.writeValueAsString(event), field);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode golden(String file) {
        try {
            return (ObjectNode) JSON.readTree(resource("golden/" + file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode payload(ObjectNode event) {
        return (ObjectNode) event.get("payload");
    }

    private static ObjectNode config(ObjectNode event) {
        return (ObjectNode) payload(event).get("config");
    }

    private static ObjectNode agent(ObjectNode event) {
        return (ObjectNode) ((ArrayNode) payload(event).get("agents")).get(0);
    }

    private static ObjectNode statusDetail(ObjectNode event) {
        return (ObjectNode) payload(event).get("status_detail");
    }

    private static ObjectNode action(ObjectNode event) {
        return (ObjectNode) statusDetail(event).get("action");
    }

    private static ObjectNode deployment(ObjectNode event) {
        return (ObjectNode) payload(event).get("deployment");
    }

    private static Schema schemaAt(String location) {
        return REGISTRY.getSchema(SchemaLocation.of(location));
    }

    private static JsonNode schemaTree(String file) {
        return tree(SCHEMAS + file);
    }

    private static JsonNode asyncApi() {
        return tree(BASE + "asyncapi.yaml");
    }

    private static JsonNode tree(String path) {
        try {
            return (path.endsWith(".yaml") ? YAML : JSON).readTree(resource(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = EventSchemaTest.class.getResourceAsStream("/" + path)) {
            assertThat(in).as("resource %s", path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resourceDirectory(String path) {
        try {
            return Path.of(EventSchemaTest.class.getResource("/" + path).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<String> schemaFilesUnchecked() {
        try {
            return schemaFiles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code then} of the envelope's {@code if type == <type>} branch, resolved. */
    private static JsonNode branchFor(JsonNode envelope, String type) {
        for (JsonNode branch : envelope.path("allOf")) {
            if (type.equals(branch.at("/if/properties/type/const").asText())) {
                return resolveLocal(envelope, branch.path("then"));
            }
        }
        return null;
    }

    private static JsonNode channel(JsonNode doc, String address) {
        for (JsonNode channel : doc.path("channels")) {
            if (address.equals(channel.path("address").asText())) {
                return channel;
            }
        }
        throw new AssertionError("no channel with address " + address);
    }

    /** Follows a same-document {@code $ref}, or returns the node itself when it is not one. */
    private static JsonNode resolveLocal(JsonNode doc, JsonNode node) {
        String ref = node.path("$ref").asText();
        if (!ref.startsWith("#")) {
            return node;
        }
        JsonNode target = doc.at(ref.substring(1));
        assertThat(target.isMissingNode()).as("target of %s", ref).isFalse();
        return target;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectRefs(element, refs));
        }
    }

    private static List<String> values(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The values of a constants class's {@code public static final String} fields. */
    private static List<String> constants(Class<?> holder) {
        return Arrays.stream(holder.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(EventSchemaTest::value)
                .toList();
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code TaskStatusChanged} to {@code task-status-changed}, the naming of schema and golden files. */
    private static String kebab(String type) {
        return type.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
