package com.miteos.deliverables;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projection of a consumed event is a span of the task's trace: a child of the record's
 * context (what the Kafka connector's consumer span makes of its {@code traceparent} header,
 * given here as the in-memory record's TracingMetadata), ended once the projection committed.
 */
@QuarkusTest
class ProjectionTraceTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Pool pool;

    @Test
    void theProjectionOfAnEventIsASpanInTheTraceItsRecordCameIn() {
        SpanContext consumed = SpanContext.createFromRemoteParent(hex(16), hex(8), TraceFlags.getSampled(),
                TraceState.getDefault());
        String task = Ids.newId(IdPrefix.TASK);
        EventEnvelope<DeliverableCreated> created = EventEnvelope.of(task, Ids.newId(IdPrefix.ACCOUNT), Mode.TEST, 1,
                new DeliverableCreated(Ids.newId(IdPrefix.DELIVERABLE), "agent_1", "report.md", "text/markdown", 42,
                        "tasks/" + task + "/report.md", Instant.now()));
        connector.source("task-deliverable").send(Message.of(EventJson.toJson(created))
                .addMetadata(TracingMetadata.withCurrent(Context.root().with(Span.wrap(consumed)))));

        SpanData projected = await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> task.equals(s.getAttributes().get(AttributeKey.stringKey("miteos.task_id"))))
                .findFirst().orElse(null), span -> span != null);
        assertThat(projected.getName()).isEqualTo("project DeliverableCreated");
        assertThat(projected.getTraceId()).isEqualTo(consumed.getTraceId());
        assertThat(projected.getParentSpanId()).isEqualTo(consumed.getSpanId());
        assertThat(pool.preparedQuery("SELECT count(*) AS n FROM processed_events WHERE event_id = $1")
                .execute(Tuple.of(created.eventId())).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong("n")).as("the span ends once the projection committed").isEqualTo(1);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
