package com.miteos.deploy.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the alert rules read only metrics some service exposes: every metric
 * name in their PromQL is in deploy/prometheus/metrics.txt, the catalog each service's metrics
 * test checks against its own /q/metrics (MetricsCatalogTest and the like in each module). Only
 * {@code up}, which Prometheus makes itself for every target, is allowed besides.
 */
class DashboardMetricsTest {

    /** Series Prometheus records for every scrape target itself; no service exposes them. */
    static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");

    static final Set<String> SERVICES = Set.of("api-gateway", "task-service", "agent-orchestrator",
            "deliverable-service", "kafka-consumers");

    @Test
    void theDashboardReadsOnlyExposedMetrics() {
        Map<String, String> expressions = MonitoringFiles.dashboardExpressions(MonitoringFiles.json(MonitoringFiles.DASHBOARD));

        assertThat(expressions).hasSizeGreaterThan(20);
        assertThat(unknownMetrics(expressions)).isEmpty();
    }

    @Test
    void theAlertRulesReadOnlyExposedMetrics() {
        Map<String, String> expressions = MonitoringFiles.alertExpressions(
                MonitoringFiles.yaml(MonitoringFiles.ALERTS).path("groups"));

        assertThat(expressions).containsKeys("alert MiteosTaskStuck", "alert MiteosOutboxBacklogOld",
                "alert MiteosDeadLetters", "alert MiteosConsumerLag", "alert MiteosTaskFailureRate",
                "alert MiteosApiErrorRate", "alert MiteosWebhookDeliveriesFailing");
        assertThat(unknownMetrics(expressions)).isEmpty();
    }

    /** The check itself: a panel reading a metric nobody exposes is caught. */
    @Test
    void aPanelReadingAMetricNoServiceExposesFails() {
        ObjectNode dashboard = MonitoringFiles.json(MonitoringFiles.DASHBOARD).deepCopy();
        ObjectNode panel = ((ArrayNode) dashboard.get("panels")).addObject().put("title", "typo");
        panel.putArray("targets").addObject().put("refId", "A")
                .put("expr", "sum by (mode) (rate(miteos_task_completed_total[$__rate_interval]))");

        assertThat(unknownMetrics(MonitoringFiles.dashboardExpressions(dashboard)))
                .containsExactly(Map.entry("panel 'typo' A", Set.of("miteos_task_completed_total")));
    }

    @Test
    void everyPanelQueryIsFoundIncludingThoseInsideRows() {
        ObjectNode dashboard = MonitoringFiles.json(MonitoringFiles.DASHBOARD).deepCopy();
        ObjectNode row = ((ArrayNode) dashboard.get("panels")).addObject().put("type", "row").put("title", "collapsed");
        row.putArray("panels").addObject().put("title", "hidden").putArray("targets").addObject()
                .put("refId", "A").put("expr", "miteos_nothing_here");

        assertThat(unknownMetrics(MonitoringFiles.dashboardExpressions(dashboard))).containsKey("panel 'hidden' A");
    }

    @Test
    void thePrometheusRuleHasTheSameRulesAsAlertsYml() {
        JsonNode alerts = MonitoringFiles.yaml(MonitoringFiles.ALERTS).path("groups");
        JsonNode rule = MonitoringFiles.yaml(MonitoringFiles.PROMETHEUS_RULE);

        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.path("spec").path("groups")).isEqualTo(alerts);
    }

    @Test
    void everyAlertSaysHowBadAndWhat() {
        for (JsonNode group : MonitoringFiles.yaml(MonitoringFiles.ALERTS).path("groups")) {
            for (JsonNode alert : group.path("rules")) {
                assertThat(alert.path("labels").path("severity").asText()).as(alert.path("alert").asText())
                        .isIn("warning", "critical");
                assertThat(alert.path("annotations").path("summary").asText()).isNotBlank();
                assertThat(alert.path("annotations").path("description").asText()).isNotBlank();
            }
        }
    }

    @Test
    void theScrapeConfigScrapesEveryServiceAtQMetricsAndLoadsTheRules() {
        JsonNode config = MonitoringFiles.yaml(MonitoringFiles.SCRAPE_CONFIG);

        assertThat(config.path("rule_files")).extracting(JsonNode::asText).containsExactly("alerts.yml");
        assertThat(config.path("scrape_configs")).extracting(job -> job.path("job_name").asText())
                .containsExactlyInAnyOrder("api-gateway", "task-service", "agent-orchestrator", "deliverable-service");
        assertThat(config.path("scrape_configs")).allSatisfy(job ->
                assertThat(job.path("metrics_path").asText()).isEqualTo("/q/metrics"));
    }

    @Test
    void theCatalogNamesOnlyKnownServicesAndPrometheusNames() {
        Map<String, List<String>> catalog = MonitoringFiles.catalog();

        assertThat(catalog).isNotEmpty();
        assertThat(catalog.values()).allSatisfy(services -> assertThat(SERVICES).containsAll(services));
        assertThat(catalog.keySet()).allMatch(name -> name.matches("[a-z_][a-z0-9_]*"));
        assertThat(catalog.keySet()).filteredOn(name -> name.startsWith("miteos_"))
                .allMatch(name -> name.matches(".*_(total|seconds|seconds_(bucket|count|sum|max)|records|active"
                        + "|unfinished|pending|waiting)"), "a counter ends in _total, a duration in _seconds");
    }

    @Test
    void metricNamesAreFoundInEveryShapeOfQuery() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, model) (rate(a_bucket{x=\"y\"}[5m])))"))
                .containsExactly("a_bucket");
        assertThat(PromQl.metricNames("sum(rate(b_total{status=~\"5..\"}[$__rate_interval])) / sum(rate(c_total[5m] offset 1h))"))
                .containsExactly("b_total", "c_total");
        assertThat(PromQl.metricNames("max by (job) (d) > 1e3 and on (job) e unless ignoring (x) group_left (y) f"))
                .containsExactly("d", "e", "f");
        assertThat(PromQl.metricNames("up{job=~\"api-gateway|sum\"} == 0")).containsExactly("up");
        assertThat(PromQl.metricNames("sum by (mode) (increase(g_total[${__range}])) * 3600")).containsExactly("g_total");
        assertThat(PromQl.metricNames("topk(5, h) or vector(0)")).containsExactly("h");
    }

    private static Map<String, Set<String>> unknownMetrics(Map<String, String> expressions) {
        Set<String> exposed = MonitoringFiles.catalog().keySet();
        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        expressions.forEach((where, expression) -> {
            Set<String> names = PromQl.metricNames(expression);
            assertThat(names).as("metrics in " + where + ": " + expression).isNotEmpty();
            Set<String> missing = new java.util.TreeSet<>(names);
            missing.removeAll(exposed);
            missing.removeAll(MADE_BY_PROMETHEUS);
            if (!missing.isEmpty()) {
                unknown.put(where, missing);
            }
        });
        return unknown;
    }
}
