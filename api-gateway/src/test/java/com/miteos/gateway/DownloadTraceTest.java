package com.miteos.gateway;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deliverable's download is a span of its task's trace: the client's request carries no context
 * of the task, so the {@code download deliverable} span is made a child of the context stored with
 * the task's submission (the POST's), and links to the request's own server span.
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class DownloadTraceTest {

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Pool pool;

    private String account;
    private String token;

    @BeforeEach
    void setUp() {
        account = ApiTestSupport.newAccount();
        token = ApiTestSupport.newToken(account, "test");
    }

    @Test
    void theDownloadIsASpanOfItsTasksTraceLinkedToTheRequest() {
        String traceId = hex(16);
        String postSpan = hex(8);
        // The stub's task, submitted by this account in the trace of a POST.
        pool.preparedQuery("""
                        INSERT INTO task_submissions (task_id, account_id, mode, request_hash, prompt, config, created_at,
                                                      traceparent)
                        VALUES ($1, $2, 'test', 'h', 'p', '{"max_agents":1}'::jsonb, $3, $4)
                        ON CONFLICT (task_id) DO UPDATE SET account_id = excluded.account_id, mode = excluded.mode,
                                                            traceparent = excluded.traceparent""")
                .execute(Tuple.of(DeliverableServiceStub.TASK, account, OffsetDateTime.now(),
                        "00-" + traceId + "-" + postSpan + "-01"))
                .await().atMost(Duration.ofSeconds(10));

        given().auth().oauth2(token)
                .get("/v1/tasks/{id}/deliverables/{file}/download", DeliverableServiceStub.TASK,
                        DeliverableServiceStub.FILE)
                .then().statusCode(200);

        SpanData download = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("download deliverable") && s.getTraceId().equals(traceId))
                .findFirst().orElse(null), span -> span != null);
        assertThat(download.getParentSpanId()).as("a child of the POST's span").isEqualTo(postSpan);
        assertThat(download.getAttributes().get(AttributeKey.stringKey("miteos.task_id")))
                .isEqualTo(DeliverableServiceStub.TASK);
        assertThat(download.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(download.getLinks()).singleElement().satisfies(link -> {
            SpanData request = await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems()
                    .stream().filter(s -> s.getSpanId().equals(link.getSpanContext().getSpanId()))
                    .findFirst().orElse(null), span -> span != null);
            assertThat(request.getKind()).as("the request's server span").isEqualTo(SpanKind.SERVER);
            assertThat(request.getTraceId()).isNotEqualTo(traceId);
        });
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
