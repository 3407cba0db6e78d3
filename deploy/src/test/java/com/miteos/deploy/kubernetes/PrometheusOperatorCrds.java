package com.miteos.deploy.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CustomResourceDefinitions of the Prometheus Operator kinds our manifests use (ServiceMonitor,
 * PrometheusRule). No Maven artifact that installs here ships them, so they are copied unchanged
 * from the operator's release (src/test/resources/crds/README.md says which, and how to update).
 */
final class PrometheusOperatorCrds {

    static final List<String> FILES = List.of("monitoring.coreos.com_servicemonitors.yaml",
            "monitoring.coreos.com_prometheusrules.yaml");

    private PrometheusOperatorCrds() {
    }

    static List<Manifest> load() {
        List<Manifest> crds = new ArrayList<>();
        for (String file : FILES) {
            try (InputStream in = PrometheusOperatorCrds.class.getResourceAsStream("/crds/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("test resource crds/" + file + " is missing");
                }
                crds.addAll(ManifestDocuments.parse(Path.of("crds", file), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return crds;
    }
}
