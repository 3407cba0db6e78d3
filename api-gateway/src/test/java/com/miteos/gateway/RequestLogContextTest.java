package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a request logs names its account, its task, the request and the trace, also from the callbacks
 * that run after an asynchronous step (the database, task-service): the request's context travels in
 * its Vert.x duplicated context, not through MicroProfile Context Propagation, which the gateway turns
 * off for its CPU cost (application.properties: Context propagation).
 */
@QuarkusTest
class RequestLogContextTest {

    private static final List<String> LOGGERS = List.of("com.miteos.gateway.service.TaskService",
            "com.miteos.gateway.client.TaskReadModel");
    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                ext.copyMdc(); // the MDC of the thread that logged, as it was then
                records.add(ext);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        LOGGERS.forEach(name -> Logger.getLogger(name).addHandler(capture));
    }

    @AfterEach
    void stopListening() {
        LOGGERS.forEach(name -> Logger.getLogger(name).removeHandler(capture));
    }

    @Test
    void mutinyCallbacksRunAsTheyAreWithoutCapturedThreadContexts() {
        Function<String, String> callback = s -> s;
        assertThat(Infrastructure.decorate(callback)).isSameAs(callback);
    }

    @Test
    void theAcceptedLineOfAPostNamesTheAccountTheTaskTheRequestAndTheTrace() {
        String account = ApiTestSupport.newAccount();
        String token = ApiTestSupport.newToken(account, "test");
        String task = given().auth().oauth2(token).contentType(ContentType.JSON).header("X-Request-Id", "req-log-context")
                .body("{\"prompt\":\"Log context.\"}").post("/v1/tasks")
                .then().statusCode(201).extract().path("id");

        Map<String, String> mdc = mdcOf("task " + task + ": accepted");
        assertThat(mdc).containsEntry("account_id", account).containsEntry("task_id", task)
                .containsEntry("request_id", "req-log-context");
        assertThat(mdc.getOrDefault("traceId", mdc.get("trace_id"))).matches("[0-9a-f]{32}");
    }

    @Test
    void aLineLoggedAfterTaskServiceAnsweredStillNamesTheAccountAndTheTask() {
        String account = ApiTestSupport.newAccount();
        String token = ApiTestSupport.newToken(account, "test");
        String task = "task_01m8h8kgrg4sv6yxkp0mfhyr6z";
        // task-service is unreachable in the tests: its failure is logged in the REST client's callback.
        given().auth().oauth2(token).get("/v1/tasks/{id}", task).then().statusCode(503);

        Map<String, String> mdc = mdcOf("task-service failed");
        assertThat(mdc).containsEntry("account_id", account).containsEntry("task_id", task);
        assertThat(mdc.getOrDefault("traceId", mdc.get("trace_id"))).matches("[0-9a-f]{32}");
    }

    private Map<String, String> mdcOf(String messageStart) {
        return await().until(() -> records.stream()
                        .filter(r -> r.getFormattedMessage().startsWith(messageStart)).findFirst(),
                found -> found.isPresent()).orElseThrow().getMdcCopy();
    }
}
