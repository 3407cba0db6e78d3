package com.miteos.orchestrator;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task's events continue the trace its {@code task.created} record came in: the consumed
 * record's context (what the Kafka connector's consumer span makes of its {@code traceparent}
 * header, given here as the in-memory record's TracingMetadata) is stored with the task and with
 * each outbox row, and the relay hands it to the producer, which writes it into the records'
 * {@code traceparent} headers (the same mechanism TaskCreatedTraceTest in the gateway checks
 * against a real broker).
 */
@QuarkusTest
class TaskTraceTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    @Test
    void everyStatusEventOfATaskIsPublishedInTheTraceItCameIn() {
        String traceId = randomHex(16);
        SpanContext consumed = SpanContext.createFromRemoteParent(traceId, randomHex(8), TraceFlags.getSampled(),
                TraceState.getDefault());
        String task = Ids.newId(IdPrefix.TASK);
        InMemorySink<String> status = connector.sink("task-status");
        connector.source("task-commands").send(Message.of(EventJson.toJson(EventEnvelope.of(task, "acct_test",
                        Mode.TEST, 0, new TaskCreated("Compare three vector databases.",
                                new TaskConfig(1, 100, false, null, new SandboxConfig(0, SandboxOutcome.COMPLETE)),
                                Instant.now()))))
                .addMetadata(TracingMetadata.withCurrent(Context.root().with(Span.wrap(consumed)))));

        await().atMost(Duration.ofSeconds(30)).until(() -> PublishedEvents.statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));

        List<? extends Message<String>> ofTask = status.received().stream()
                .filter(m -> EventJson.fromJson(m.getPayload()).taskId().equals(task)).toList();
        assertThat(ofTask).isNotEmpty().allSatisfy(m -> assertThat(TracingMetadata.fromMessage(m)
                .map(t -> Span.fromContext(t.getCurrentContext()).getSpanContext().getTraceId()))
                .as("trace of a status event").contains(traceId));
        assertThat(pool.preparedQuery("SELECT traceparent FROM tasks WHERE task_id = $1").execute(Tuple.of(task))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString("traceparent"))
                .startsWith("00-" + traceId + "-");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
