package com.miteos.deliverables.metrics;

import com.miteos.testing.Scrape;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deliverable-service's metrics move with what its consumer does: an event projected counts as applied,
 * the same event again as a duplicate, a record that is no event as dead-lettered. Then the
 * service exposes exactly the miteos_* series deploy/prometheus/metrics.txt lists for it.
 */
@QuarkusTest
class ConsumerMetricsTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @Test
    void projectedDuplicateAndDeadLetteredRecordsAreCounted() {
        InMemorySource<String> events = connector.source("task-deliverable");
        String task = Ids.newId(IdPrefix.TASK);
        String account = Ids.newId(IdPrefix.ACCOUNT);
        String id = Ids.newId(IdPrefix.DELIVERABLE);
        String created = EventJson.toJson(EventEnvelope.of(task, account, Mode.TEST, 3, new DeliverableCreated(id,
                Ids.newId(IdPrefix.AGENT), "report.md", "text/markdown", 12, account + "/test/" + task + "/" + id,
                Instant.now().truncatedTo(ChronoUnit.SECONDS))));
        Scrape before = Scrape.now();

        events.send(created);
        events.send(created);
        events.send("{\"not\": \"an event\"}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape after = Scrape.now();
            assertThat(delta(before, after, "miteos_events_projected_total", "type", "DeliverableCreated", "outcome", "applied"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "miteos_events_projected_total", "type", "DeliverableCreated",
                    "outcome", "duplicate")).isEqualTo(1);
            assertThat(delta(before, after, "miteos_dlq_records_total", "group", "deliverable-service", "reason", "malformed"))
                    .isEqualTo(1);
        });

        Scrape scrape = Scrape.now();
        Set<String> catalog = Scrape.catalog("deliverable-service");
        assertThat(catalog).isNotEmpty();
        assertThat(scrape.names()).as("exposed at /q/metrics").containsAll(catalog);
        assertThat(scrape.names()).filteredOn(name -> name.startsWith("miteos_"))
                .as("listed in deploy/prometheus/metrics.txt").allMatch(catalog::contains);
        assertThat(catalog).allSatisfy(name -> assertThat(scrape.description(name))
                .as("description of " + name).isNotBlank());
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
