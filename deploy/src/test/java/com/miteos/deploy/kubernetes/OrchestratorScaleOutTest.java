package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.event.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests agree with how the orchestrator scales out (issue 9): a consumer group whose
 * parallelism is capped by the co-partitioned command topics, rolled one pod at a time, given
 * the time to drain what it gives up, and autoscaled within the partition count.
 */
class OrchestratorScaleOutTest {

    private static final List<Manifest> ALL = ManifestDocuments.all();
    private static final Path ORCHESTRATOR_PROPERTIES =
            Path.of("..", "agent-orchestrator", "src", "main", "resources", "application.properties");
    /** Until the orchestrator's properties name it, the default the issue gives. */
    private static final Duration DEFAULT_REVOKE_DRAIN = Duration.ofSeconds(10);
    /** Journal and outbox drain at shutdown, worst case (agent-orchestrator.yaml). */
    private static final Duration JOURNAL_AND_OUTBOX_DRAIN = Duration.ofSeconds(30);
    private static final List<String> COMMAND_TOPICS = List.of(Topics.TASK_CREATED, Topics.TASK_CANCEL, Topics.TASK_CONTROL);

    @Test
    void commandTopicsAreCoPartitionedWithAtLeastTwelvePartitions() {
        List<Integer> partitions = COMMAND_TOPICS.stream().map(OrchestratorScaleOutTest::partitions).toList();

        assertThat(partitions).allMatch(p -> p.equals(partitions.get(0)));
        assertThat(partitions.get(0)).isGreaterThanOrEqualTo(12);
    }

    @Test
    void everyTopicOfTheContractHasAKafkaTopicOfTheExampleCluster() {
        String cluster = ManifestDocuments.find(ALL, "Kafka", "miteos").name();

        for (String topic : contractTopics()) {
            JsonNode kafkaTopic = ManifestDocuments.find(ALL, "KafkaTopic", topic).document();
            assertThat(kafkaTopic.at("/metadata/labels/strimzi.io~1cluster").asText()).as(topic).isEqualTo(cluster);
            assertThat(kafkaTopic.at("/spec/replicas").asInt()).as(topic).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void theOrchestratorIsAGroupOfSeveralPodsNoLargerThanThePartitionCount() {
        JsonNode spec = deployment().path("spec");

        assertThat(spec.path("replicas").asInt()).isBetween(2, partitions(Topics.TASK_CREATED));
        assertThat(spec.at("/strategy/type").asText()).isEqualTo("RollingUpdate");
    }

    @Test
    void eachPodOwnsItsTasksUnderItsOwnName() {
        JsonNode env = deployment().at("/spec/template/spec/containers/0/env");

        assertThat(env).filteredOn(e -> e.path("name").asText().equals("MITEOS_INSTANCE_ID"))
                .singleElement()
                .satisfies(e -> assertThat(e.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name"));
    }

    @Test
    void theGracePeriodCoversTheRevokeDrainAndTheShutdown() {
        Properties properties = orchestratorProperties();
        Duration revokeDrain = defaultOf(properties, "MITEOS_REVOKE_DRAIN_TIMEOUT").orElse(DEFAULT_REVOKE_DRAIN);
        Duration shutdown = configMapValue("MITEOS_SHUTDOWN_TIMEOUT")
                .orElseGet(() -> defaultOf(properties, "MITEOS_SHUTDOWN_TIMEOUT").orElseThrow());
        long grace = deployment().at("/spec/template/spec/terminationGracePeriodSeconds").asLong();

        assertThat(Duration.ofSeconds(grace))
                .isGreaterThan(revokeDrain.plus(shutdown).plus(JOURNAL_AND_OUTBOX_DRAIN));
    }

    @Test
    void kedaScalesTheOrchestratorGroupOnTaskCreatedWithinThePartitionCount() {
        JsonNode spec = ManifestDocuments.find(ALL, "ScaledObject", "agent-orchestrator").document().path("spec");
        JsonNode kafka = trigger(spec, "kafka").path("metadata");
        Manifest kafkaCluster = ManifestDocuments.find(ALL, "Kafka", "miteos");

        assertThat(spec.at("/scaleTargetRef/name").asText()).isEqualTo(deployment().at("/metadata/name").asText());
        assertThat(spec.path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(spec.path("maxReplicaCount").asInt()).isEqualTo(partitions(Topics.TASK_CREATED));
        assertThat(kafka.path("consumerGroup").asText())
                .isEqualTo(orchestratorProperties().getProperty("mp.messaging.incoming.task-commands.group.id"));
        assertThat(kafka.path("topic").asText()).isEqualTo(Topics.TASK_CREATED);
        assertThat(kafka.path("allowIdleConsumers").asText()).isEqualTo("false");
        assertThat(kafka.path("bootstrapServers").asText())
                .isEqualTo(kafkaCluster.name() + "-kafka-bootstrap." + strimziNamespace() + ".svc:9092");
        assertThat(trigger(spec, "cpu").isMissingNode()
                || !deployment().at("/spec/template/spec/containers/0/resources/requests/cpu").isMissingNode())
                .as("a cpu trigger needs CPU requests").isTrue();
    }

    @Test
    void theGatewayAutoscalerKeepsTwoReplicas() {
        JsonNode spec = ManifestDocuments.find(ALL, "HorizontalPodAutoscaler", "api-gateway").document().path("spec");

        assertThat(spec.at("/scaleTargetRef/name").asText()).isEqualTo("api-gateway");
        assertThat(spec.path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theBrokersKeepWhatTheConsumerProtocolNeeds() {
        JsonNode config = ManifestDocuments.find(ALL, "Kafka", "miteos").document().at("/spec/kafka/config");
        int min = config.path("group.consumer.min.session.timeout.ms").asInt(45_000);
        int session = config.path("group.consumer.session.timeout.ms").asInt(45_000);
        int max = config.path("group.consumer.max.session.timeout.ms").asInt(60_000);

        assertThat(session).isBetween(min, max);
        assertThat(config.path("group.coordinator.rebalance.protocols").asText("consumer")).contains("consumer");
        assertThat(config.path("group.consumer.assignors").asText("range")).contains("range");
    }

    private static JsonNode deployment() {
        return ManifestDocuments.find(ALL, "Deployment", "agent-orchestrator").document();
    }

    private static int partitions(String topic) {
        return ManifestDocuments.find(ALL, "KafkaTopic", topic).document().at("/spec/partitions").asInt();
    }

    private static JsonNode trigger(JsonNode scaledObjectSpec, String type) {
        for (JsonNode trigger : scaledObjectSpec.path("triggers")) {
            if (trigger.path("type").asText().equals(type)) {
                return trigger;
            }
        }
        return scaledObjectSpec.path("no-" + type + "-trigger");
    }

    private static List<String> contractTopics() {
        return Arrays.stream(Topics.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(OrchestratorScaleOutTest::value)
                .toList();
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String strimziNamespace() {
        return ManifestDocuments.all().stream()
                .filter(m -> m.isKustomization() && m.file().startsWith(ManifestDocuments.ROOT.resolve("strimzi")))
                .findFirst().orElseThrow().document().path("namespace").asText();
    }

    private static Properties orchestratorProperties() {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(ORCHESTRATOR_PROPERTIES)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** The default of {@code ${NAME:default}} in any property of the orchestrator. */
    private static Optional<Duration> defaultOf(Properties properties, String variable) {
        Pattern pattern = Pattern.compile("\\$\\{" + variable + ":([^}]*)}");
        return properties.stringPropertyNames().stream().sorted()
                .map(properties::getProperty)
                .map(pattern::matcher)
                .filter(Matcher::find)
                .map(m -> duration(m.group(1)))
                .findFirst();
    }

    private static Optional<Duration> configMapValue(String key) {
        JsonNode value = ManifestDocuments.find(ALL, "ConfigMap", "miteos-config").document().path("data").path(key);
        return value.isTextual() ? Optional.of(duration(value.asText())) : Optional.empty();
    }

    /** Quarkus' duration forms: ISO-8601 ("PT20S"), or a number with an optional ms/s/m/h unit. */
    static Duration duration(String text) {
        String value = text.trim();
        if (value.toUpperCase().startsWith("P")) {
            return Duration.parse(value);
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?", Pattern.CASE_INSENSITIVE).matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase();
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
