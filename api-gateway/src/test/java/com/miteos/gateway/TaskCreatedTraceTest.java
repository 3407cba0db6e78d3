package com.miteos.gateway;

import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task's {@code task.created} record continues the trace of the request that submitted it (W3C
 * {@code traceparent} in the record's headers), whether the POST publishes it or the relay does, later,
 * from the context stored with the submission. The records go to the real broker of the test
 * infrastructure ({@code MITEOS_KAFKA_BOOTSTRAP}), as only the Kafka connector writes headers.
 */
@QuarkusTest
@TestProfile(TaskCreatedTraceTest.RealBroker.class)
class TaskCreatedTraceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** task.created over the Kafka connector instead of the in-memory one. */
    public static class RealBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.task-created.connector", "smallrye-kafka",
                    "quarkus.otel.bsp.schedule.delay", "PT0.05S");
        }
    }

    @Inject
    SubmissionOutbox outbox;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void thePostsRecordCarriesTheRequestsTraceId() {
        String traceId = randomHex(16);
        String token = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
        String taskId = given().auth().oauth2(token).contentType(ContentType.JSON)
                .header("traceparent", "00-" + traceId + "-" + randomHex(8) + "-01")
                .body("{\"prompt\":\"follow me\"}")
                .post("/v1/tasks").then().statusCode(201).extract().path("id");

        assertThat(traceparentOfRecord(taskId)).startsWith("00-" + traceId + "-");
        // The gateway's own span of the POST is in that trace too (the client's context was continued).
        await().atMost(WAIT).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                .anySatisfy(span -> {
                    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
                    assertThat(span.getTraceId()).isEqualTo(traceId);
                }));
    }

    @Test
    void theRelaysRecordContinuesTheStoredTrace() {
        // A submission stored by a gateway that died before publishing it: only the relay publishes it.
        String traceId = randomHex(16);
        TaskSubmission orphan = new TaskSubmission(Ids.newId(IdPrefix.TASK), "acct_" + randomHex(8),
                Mode.TEST.value(), null, "0".repeat(64), "stored, then the gateway died",
                new TaskConfig(1, 80, false, null, null), Instant.now().minus(1, ChronoUnit.HOURS)
                        .truncatedTo(ChronoUnit.SECONDS), null, "00-" + traceId + "-" + randomHex(8) + "-01");
        assertThat(outbox.insert(orphan).await().atMost(WAIT)).isTrue();

        assertThat(traceparentOfRecord(orphan.taskId())).startsWith("00-" + traceId + "-");
    }

    /** The traceparent header of the task.created record keyed {@code taskId}, waiting for it. */
    private static String traceparentOfRecord(String taskId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor("task.created").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (taskId.equals(record.key())) {
                        Header header = record.headers().lastHeader("traceparent");
                        assertThat(header).as("traceparent header of %s", taskId).isNotNull();
                        return new String(header.value(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new AssertionError("no task.created record for " + taskId + " within " + WAIT);
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
