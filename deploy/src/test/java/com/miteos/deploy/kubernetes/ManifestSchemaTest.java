package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every document of every YAML file under deploy/kubernetes (the default kustomization, the
 * examples, strimzi/ and autoscaling/) is valid against the schema of its API, offline: the
 * Kubernetes OpenAPI schema for built-in kinds, Strimzi's CRDs for its kinds, and
 * {@link KedaScaledObjects} for KEDA, the Prometheus Operator's CRDs for monitoring/.
 * kustomization.yaml files are checked by
 * {@link KustomizeBuildTest}.
 */
class ManifestSchemaTest {

    private static final ManifestValidator VALIDATOR = ManifestValidator.shared();

    static Stream<Manifest> manifests() {
        return ManifestDocuments.all().stream().filter(m -> !m.isKustomization());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void isValidAgainstTheSchemaOfItsKind(Manifest manifest) {
        assertThat(VALIDATOR.errors(manifest.document())).as(manifest.toString()).isEmpty();
        assertThat(VALIDATOR.rejectsUndeclaredFields(manifest.document()))
                .as("a schema that rejects undeclared fields applies to " + manifest).isTrue();
    }

    @Test
    void theExamplesAreCheckedToo() {
        List<String> files = ManifestDocuments.files().stream().map(p -> ManifestDocuments.ROOT.relativize(p).toString()).toList();

        assertThat(files).contains("agent-orchestrator.yaml", "ingress.example.yaml", "secret.example.yaml",
                "strimzi/kafka.yaml", "strimzi/kafka-topics.yaml",
                "autoscaling/keda-scaledobject.yaml", "autoscaling/api-gateway-hpa.yaml",
                "monitoring/servicemonitor.yaml", "monitoring/prometheusrule.yaml");
        assertThat(manifests().map(Manifest::kind)).contains("Deployment", "PodDisruptionBudget", "Kafka",
                "KafkaNodePool", "KafkaTopic", "ScaledObject", "HorizontalPodAutoscaler", "Ingress", "Secret",
                "ServiceMonitor", "PrometheusRule");
    }

    @Test
    void aMisspeltDeploymentFieldFails() {
        JsonNode deployment = document("Deployment", "agent-orchestrator");
        JsonNode broken = renamed(deployment, "/spec/template/spec", "terminationGracePeriodSeconds", "terminationGracePeriod");

        assertThat(VALIDATOR.errors(broken)).anyMatch(e -> e.contains("terminationGracePeriod"));
    }

    @Test
    void aWrongTypeAndAMissingRequiredFieldFail() {
        ObjectNode deployment = document("Deployment", "api-gateway").deepCopy();
        ((ObjectNode) deployment.get("spec")).put("replicas", "two");
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).remove("name");

        assertThat(VALIDATOR.errors(deployment))
                .anyMatch(e -> e.contains("/spec/replicas"))
                .anyMatch(e -> e.contains("missing required") && e.contains("name"));
    }

    @Test
    void aMisspeltFieldInAPodDisruptionBudgetFails() {
        JsonNode pdb = renamed(document("PodDisruptionBudget", "agent-orchestrator"), "/spec", "maxUnavailable", "maxUnavailible");

        assertThat(VALIDATOR.errors(pdb)).anyMatch(e -> e.contains("maxUnavailible"));
    }

    @Test
    void aMisspeltKafkaTopicFieldFails() {
        JsonNode topic = renamed(document("KafkaTopic", "task.created"), "/spec", "partitions", "partition");

        assertThat(VALIDATOR.errors(topic)).anyMatch(e -> e.contains("partition"));
    }

    @Test
    void aMisspeltFieldDeepInTheKafkaClusterFails() {
        JsonNode kafka = renamed(document("Kafka", "miteos"), "/spec/kafka/listeners/0", "tls", "tsl");

        assertThat(VALIDATOR.errors(kafka)).anyMatch(e -> e.contains("tsl"));
    }

    @Test
    void aWrongEnumValueInAKafkaNodePoolFails() {
        ObjectNode pool = document("KafkaNodePool", "broker").deepCopy();
        ((ObjectNode) pool.at("/spec")).putArray("roles").add("borker");

        assertThat(VALIDATOR.errors(pool)).isNotEmpty();
    }

    @Test
    void freeFormKafkaConfigStaysFree() {
        ObjectNode topic = document("KafkaTopic", "task.created").deepCopy();
        ((ObjectNode) topic.at("/spec/config")).put("cleanup.policy", "delete");

        assertThat(VALIDATOR.errors(topic)).isEmpty();
    }

    @Test
    void aMisspeltScaledObjectFieldFails() {
        JsonNode scaledObject = document("ScaledObject", "agent-orchestrator");

        assertThat(VALIDATOR.errors(renamed(scaledObject, "/spec", "maxReplicaCount", "maxReplicas")))
                .anyMatch(e -> e.contains("maxReplicas"));
        assertThat(VALIDATOR.errors(renamed(scaledObject, "/spec/triggers/0/metadata", "lagThreshold", "lagTreshold")))
                .anyMatch(e -> e.contains("lagTreshold"));
        assertThat(VALIDATOR.errors(renamed(scaledObject, "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown",
                "stabilizationWindowSeconds", "stabilisationWindowSeconds")))
                .anyMatch(e -> e.contains("stabilisationWindowSeconds"));
    }

    @Test
    void aMisspeltServiceMonitorFieldFails() {
        JsonNode monitor = document("ServiceMonitor", "miteos");

        assertThat(VALIDATOR.errors(renamed(monitor, "/spec/endpoints/0", "path", "metricsPath")))
                .anyMatch(e -> e.contains("metricsPath"));
        assertThat(VALIDATOR.errors(renamed(monitor, "/spec", "namespaceSelector", "namespaceSelecter")))
                .anyMatch(e -> e.contains("namespaceSelecter"));
    }

    @Test
    void aServiceMonitorIntervalThatIsNoDurationFails() {
        ObjectNode monitor = document("ServiceMonitor", "miteos").deepCopy();
        ((ObjectNode) monitor.at("/spec/endpoints/0")).put("interval", "fifteen seconds");

        assertThat(VALIDATOR.errors(monitor)).anyMatch(e -> e.contains("interval"));
    }

    @Test
    void aPrometheusRuleWithoutAnExpressionFails() {
        ObjectNode rule = document("PrometheusRule", "miteos").deepCopy();
        ((ObjectNode) rule.at("/spec/groups/0/rules/0")).remove("expr");

        assertThat(VALIDATOR.errors(rule)).anyMatch(e -> e.contains("expr"));
    }

    private static JsonNode document(String kind, String name) {
        return ManifestDocuments.find(manifests().toList(), kind, name).document();
    }

    /** A copy of the document with one field under the pointer renamed. */
    private static JsonNode renamed(JsonNode document, String pointer, String field, String newName) {
        ObjectNode copy = document.deepCopy();
        ObjectNode parent = (ObjectNode) copy.at(pointer);
        assertThat(parent.has(field)).as(pointer + "/" + field + " exists").isTrue();
        parent.set(newName, parent.remove(field));
        return copy;
    }
}
