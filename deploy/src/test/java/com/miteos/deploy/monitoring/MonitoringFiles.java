package com.miteos.deploy.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring files of deploy/ (tests run in the deploy module's directory): the metric
 * catalog, the Grafana dashboard, the alert rules and their PrometheusRule copy, the scrape config.
 */
final class MonitoringFiles {

    static final Path CATALOG = Path.of("prometheus", "metrics.txt");
    static final Path DASHBOARD = Path.of("grafana", "miteos-dashboard.json");
    static final Path ALERTS = Path.of("prometheus", "alerts.yml");
    static final Path SCRAPE_CONFIG = Path.of("prometheus", "prometheus.yml");
    static final Path PROMETHEUS_RULE = Path.of("kubernetes", "monitoring", "prometheusrule.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private MonitoringFiles() {
    }

    /** Series name to the services that expose it, from the catalog. */
    static Map<String, List<String>> catalog() {
        Map<String, List<String>> catalog = new LinkedHashMap<>();
        for (String line : lines(CATALOG)) {
            String[] fields = line.trim().split("\\s+");
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (fields.length != 2) {
                throw new IllegalStateException(CATALOG + ": not 'service series_name': " + line);
            }
            catalog.computeIfAbsent(fields[1], name -> new ArrayList<>()).add(fields[0]);
        }
        return catalog;
    }

    /** Every PromQL expression of the dashboard's panels, with where it is. */
    static Map<String, String> dashboardExpressions(JsonNode dashboard) {
        Map<String, String> expressions = new LinkedHashMap<>();
        collectTargets(dashboard.path("panels"), expressions);
        return expressions;
    }

    private static void collectTargets(JsonNode panels, Map<String, String> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                into.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
            collectTargets(panel.path("panels"), into);
        }
    }

    /** Every alert's expression, by alert name. */
    static Map<String, String> alertExpressions(JsonNode groups) {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                expressions.put("alert " + rule.path("alert").asText(rule.path("record").asText()),
                        rule.path("expr").asText());
            }
        }
        return expressions;
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
