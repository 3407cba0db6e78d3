package com.miteos.deliverables.metrics;

import com.miteos.testing.Scrape;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer lag comes from the Kafka client's own metrics, which Quarkus' Micrometer Kafka binder
 * publishes for the consumers SmallRye creates. The other tests use in-memory channels, so this
 * one consumes from the real broker of ./miteos infra (a topic and group of its own): once it has
 * read records, /q/metrics shows every "kafka-consumers" series of deploy/prometheus/metrics.txt,
 * and they moved. Every consumer service (task-service, agent-orchestrator) gets the same series
 * from the same binder.
 */
@QuarkusTest
@TestProfile(KafkaClientMetricsTest.RealBroker.class)
class KafkaClientMetricsTest {

    static final String TOPIC = "metrics-test.deliverable";

    public static class RealBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String channel = "mp.messaging.incoming.task-deliverable.";
            return Map.of("%test." + channel + "connector", "smallrye-kafka",
                    channel + "connector", "smallrye-kafka",
                    channel + "topic", TOPIC,
                    channel + "group.id", "deliverable-service-metrics-test");
        }
    }

    @Test
    void consumerLagAndConsumptionAreExposedForTheRealConsumer() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < 3; i++) {
                String task = Ids.newId(IdPrefix.TASK);
                String account = Ids.newId(IdPrefix.ACCOUNT);
                String id = Ids.newId(IdPrefix.DELIVERABLE);
                producer.send(new ProducerRecord<>(TOPIC, task, EventJson.toJson(EventEnvelope.of(task, account,
                        Mode.TEST, 3, new DeliverableCreated(id, Ids.newId(IdPrefix.AGENT), "report.md", "text/markdown",
                                12, account + "/test/" + task + "/" + id, Instant.now().truncatedTo(ChronoUnit.SECONDS))))))
                        .get();
            }
        }

        Set<String> catalog = Scrape.catalog("kafka-consumers");
        assertThat(catalog).isNotEmpty();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Scrape scrape = Scrape.now();
            assertThat(scrape.names()).containsAll(catalog);
            assertThat(scrape.sum("kafka_consumer_fetch_manager_records_consumed_total")).isGreaterThanOrEqualTo(3);
            assertThat(scrape.sum("miteos_events_projected_total", "type", "DeliverableCreated")).isGreaterThanOrEqualTo(3);
        });
        // records_lag_max is the largest lag seen in the client's sample window (NaN once it has
        // expired with nothing fetched), so only its presence is certain here.
        Scrape scrape = Scrape.now();
        assertThat(catalog).allSatisfy(name -> assertThat(scrape.description(name)).as(name).isNotBlank());
    }
}
