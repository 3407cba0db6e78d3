package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Validates any manifest document with the schema its API calls for: the Kubernetes OpenAPI
 * schema for built-in kinds, the CRD schema for Strimzi's and the Prometheus Operator's kinds,
 * {@link KedaScaledObjects} for KEDA's. A kind none of them knows fails rather than passing unchecked.
 */
final class ManifestValidator {

    /** A field no schema declares: adding it must make any validated document fail. */
    static final String PROBE_FIELD = "miteosUndeclaredProbe";

    private final CrdSchemas crds;

    private ManifestValidator(CrdSchemas crds) {
        this.crds = crds;
    }

    private static ManifestValidator shared;

    /** One per test JVM: generating the CRDs and parsing the Kubernetes schema take seconds. */
    static synchronized ManifestValidator shared() {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    /**
     * With the CRDs of the Strimzi version in the parent POM (generated: a few seconds) and those
     * of the Prometheus Operator ({@link PrometheusOperatorCrds}).
     */
    private static ManifestValidator create() {
        CrdSchemas crds = new CrdSchemas();
        StrimziCrds.generate().forEach(crd -> crds.add(crd.document()));
        if (crds.isEmpty()) {
            throw new IllegalStateException("Strimzi's crd-generator produced no schema");
        }
        PrometheusOperatorCrds.load().forEach(crd -> crds.add(crd.document()));
        return new ManifestValidator(crds);
    }

    /** The schema errors of one document; empty when it is valid. */
    List<String> errors(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        if (apiVersion.startsWith("keda.sh/")) {
            return KedaScaledObjects.errors(document);
        }
        if (apiVersion.startsWith("kafka.strimzi.io/") || apiVersion.startsWith("monitoring.coreos.com/")) {
            return crds.errors(document).orElseThrow(() -> new AssertionError(
                    "no CRD schema for " + apiVersion + " " + document.path("kind").asText()
                            + " (StrimziCrds.MODELS, PrometheusOperatorCrds.FILES)"));
        }
        return KubernetesSchemas.errors(document);
    }

    /**
     * Whether a schema really applies to this document: fabric8's validator passes kinds it does
     * not know, so every document is also validated once with an undeclared field added, and
     * that must fail on exactly that field.
     */
    boolean rejectsUndeclaredFields(JsonNode document) {
        ObjectNode probe = document.deepCopy();
        probe.put(PROBE_FIELD, true);
        return errors(probe).stream().anyMatch(e -> e.contains(PROBE_FIELD));
    }
}
