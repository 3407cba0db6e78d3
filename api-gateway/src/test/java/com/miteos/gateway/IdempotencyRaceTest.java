package com.miteos.gateway;

import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.Caller;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/** Many clients retrying with one Idempotency-Key at the same moment create exactly one task. */
@QuarkusTest
class IdempotencyRaceTest {

    static final int CONCURRENT_REQUESTS = 100;

    @Inject
    @Any
    InMemoryConnector connector;

    @InjectMock
    TaskReadModel readModel;

    @Test
    void concurrentRequestsWithOneKeyCreateExactlyOneTask() throws Exception {
        when(readModel.find(any(Caller.class), anyString(), any(Duration.class))).thenReturn(Uni.createFrom().nullItem());
        String token = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
        connector.sink("task-created").clear();
        Callable<Response> post = () -> given().auth().oauth2(token).contentType(ContentType.JSON)
                .header("Idempotency-Key", "race-1").body("{\"prompt\":\"only once\"}").post("/v1/tasks");

        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Response>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
                futures.add(pool.submit(post));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }

            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
            assertThat(responses.stream().map(r -> r.<String>path("id")).distinct()).hasSize(1);
            assertThat(responses.stream().filter(r -> r.getHeader("Idempotent-Replayed") == null)).hasSize(1);
            assertThat(connector.sink("task-created").received()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }

        given().auth().oauth2(token).contentType(ContentType.JSON).header("Idempotency-Key", "race-1")
                .body("{\"prompt\":\"something else\"}").post("/v1/tasks")
                .then().statusCode(422).contentType("application/problem+json");
    }
}
