package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks KEDA ScaledObjects. No Maven or npm artifact that installs here ships KEDA's CRD
 * schema (see deploy/kubernetes/README.md), so this is weaker than {@link CrdSchemas}:
 * <ul>
 * <li>the HPA that KEDA creates from the ScaledObject (target, min/max, behavior) is validated
 * against the Kubernetes schema of {@code autoscaling/v2} HorizontalPodAutoscaler;</li>
 * <li>every other field must be one of those listed here, taken from KEDA 2.x's ScaledObject
 * specification and the kafka and cpu scalers' documentation, so a misspelt field fails.</li>
 * </ul>
 */
final class KedaScaledObjects {

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "", Set.of("apiVersion", "kind", "metadata", "spec"),
            "spec", Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"),
            "spec.scaleTargetRef", Set.of("apiVersion", "kind", "name", "envSourceContainerName"),
            "spec.advanced", Set.of("restoreToOriginalReplicaCount", "horizontalPodAutoscalerConfig", "scalingModifiers"),
            "spec.advanced.horizontalPodAutoscalerConfig", Set.of("name", "behavior"),
            "spec.triggers[]", Set.of("type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"));

    private static final Map<String, Set<String>> TRIGGER_METADATA = Map.of(
            "kafka", Set.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
                    "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset",
                    "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "partitionLimitation",
                    "version", "sasl", "tls", "unsafeSsl"),
            "cpu", Set.of("type", "value", "containerName"));

    private static final Set<String> INTEGER_FIELDS = Set.of("pollingInterval", "cooldownPeriod",
            "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount");

    private KedaScaledObjects() {
    }

    static List<String> errors(JsonNode scaledObject) {
        List<String> errors = new ArrayList<>();
        JsonNode spec = scaledObject.path("spec");
        checkFields(scaledObject, "", errors);
        checkFields(spec, "spec", errors);
        checkFields(spec.path("scaleTargetRef"), "spec.scaleTargetRef", errors);
        checkFields(spec.path("advanced"), "spec.advanced", errors);
        checkFields(spec.path("advanced").path("horizontalPodAutoscalerConfig"),
                "spec.advanced.horizontalPodAutoscalerConfig", errors);
        if (!spec.path("scaleTargetRef").path("name").isTextual()) {
            errors.add("spec.scaleTargetRef.name: required");
        }
        INTEGER_FIELDS.stream().filter(spec::has).filter(f -> !spec.get(f).isInt())
                .forEach(f -> errors.add("spec." + f + ": must be an integer"));
        if (!spec.path("triggers").isArray() || spec.path("triggers").isEmpty()) {
            errors.add("spec.triggers: at least one trigger is required");
        }
        for (JsonNode trigger : spec.path("triggers")) {
            checkFields(trigger, "spec.triggers[]", errors);
            String type = trigger.path("type").asText();
            Set<String> known = TRIGGER_METADATA.get(type);
            if (known == null) {
                errors.add("spec.triggers[]: no field list for trigger type '" + type + "' here; add it");
                continue;
            }
            trigger.path("metadata").properties().forEach(field -> {
                if (!known.contains(field.getKey())) {
                    errors.add("spec.triggers[" + type + "].metadata: unknown field '" + field.getKey() + "'");
                } else if (!field.getValue().isTextual()) {
                    errors.add("spec.triggers[" + type + "].metadata." + field.getKey() + ": KEDA wants a string");
                }
            });
        }
        KubernetesSchemas.errors(hpaKedaWouldCreate(scaledObject)).forEach(e -> errors.add("as HPA: " + e));
        return errors;
    }

    private static void checkFields(JsonNode node, String path, List<String> errors) {
        Set<String> known = FIELDS.get(path);
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String field = property.getKey();
            if (!known.contains(field)) {
                errors.add((path.isEmpty() ? "" : path + ": ") + "unknown field '" + field + "'");
            }
        }
    }

    /** The parts of the ScaledObject that KEDA copies into the HorizontalPodAutoscaler it owns. */
    private static JsonNode hpaKedaWouldCreate(JsonNode scaledObject) {
        JsonNode spec = scaledObject.path("spec");
        JsonNode target = spec.path("scaleTargetRef");
        ObjectNode hpa = JsonNodeFactory.instance.objectNode();
        hpa.put("apiVersion", "autoscaling/v2").put("kind", "HorizontalPodAutoscaler");
        hpa.putObject("metadata").put("name", "keda-hpa-" + scaledObject.path("metadata").path("name").asText());
        ObjectNode hpaSpec = hpa.putObject("spec");
        hpaSpec.putObject("scaleTargetRef")
                .put("apiVersion", target.path("apiVersion").asText("apps/v1"))
                .put("kind", target.path("kind").asText("Deployment"))
                .put("name", target.path("name").asText());
        // KEDA's defaults: minReplicaCount 0 (the HPA itself never goes below 1), maxReplicaCount 100.
        hpaSpec.put("minReplicas", Math.max(1, spec.path("minReplicaCount").asInt(0)));
        hpaSpec.put("maxReplicas", spec.path("maxReplicaCount").asInt(100));
        JsonNode behavior = spec.path("advanced").path("horizontalPodAutoscalerConfig").path("behavior");
        if (!behavior.isMissingNode()) {
            hpaSpec.set("behavior", behavior);
        }
        return hpa;
    }
}
