package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each of the four services survives a lost pod, a rollout and a node drain: at least two
 * replicas, rolling updates that never go below the replica count, a PodDisruptionBudget over
 * its pods, soft spreading over nodes and zones, probes and resource requests.
 */
class ServiceAvailabilityTest {

    private static final List<Manifest> BASE = ManifestDocuments.all();

    @ParameterizedTest
    @ValueSource(strings = {"api-gateway", "task-service", "agent-orchestrator", "deliverable-service"})
    void runsAtLeastTwoReplicasAndRollsOneAtATime(String service) {
        JsonNode spec = deployment(service).path("spec");

        assertThat(spec.path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(spec.at("/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(spec.at("/strategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("0");
        assertThat(spec.at("/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api-gateway", "task-service", "agent-orchestrator", "deliverable-service"})
    void hasADisruptionBudgetOverItsPods(String service) {
        JsonNode deployment = deployment(service);
        JsonNode pdb = ManifestDocuments.find(BASE, "PodDisruptionBudget", service).document();
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");

        assertThat(pdb.at("/spec/maxUnavailable").asInt(-1)).isEqualTo(1);
        assertThat(pdb.at("/metadata/namespace")).isEqualTo(deployment.at("/metadata/namespace"));
        pdb.at("/spec/selector/matchLabels").properties().forEach(label ->
                assertThat(podLabels.path(label.getKey())).as("pod label " + label.getKey()).isEqualTo(label.getValue()));
        assertThat(pdb.at("/spec/selector/matchLabels")).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api-gateway", "task-service", "agent-orchestrator", "deliverable-service"})
    void spreadsItsPodsWithoutBlockingScheduling(String service) {
        JsonNode constraints = deployment(service).at("/spec/template/spec/topologySpreadConstraints");

        assertThat(constraints).extracting(c -> c.path("topologyKey").asText())
                .contains("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        assertThat(constraints).allMatch(c -> c.path("whenUnsatisfiable").asText().equals("ScheduleAnyway"))
                .allMatch(c -> c.at("/labelSelector/matchLabels/app.kubernetes.io~1name").asText().equals(service));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api-gateway", "task-service", "agent-orchestrator", "deliverable-service"})
    void isProbedAndHasResourceRequestsAndLimits(String service) {
        JsonNode container = deployment(service).at("/spec/template/spec/containers/0");

        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/resources/requests/cpu").isMissingNode()).isFalse();
        assertThat(container.at("/resources/requests/memory").isMissingNode()).isFalse();
        assertThat(container.at("/resources/limits/memory").isMissingNode()).isFalse();
    }

    private static JsonNode deployment(String name) {
        return ManifestDocuments.find(BASE, "Deployment", name).document();
    }
}
