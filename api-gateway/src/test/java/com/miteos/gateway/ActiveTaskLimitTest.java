package com.miteos.gateway;

import com.miteos.gateway.client.TaskServiceApi;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/** An account at its limit of unfinished tasks gets 429 for a new one, and a retried one still replays. */
@QuarkusTest
class ActiveTaskLimitTest {

    @InjectMock
    @RestClient
    TaskServiceApi taskService;

    private String token;

    @BeforeEach
    void setUp() {
        token = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
        when(taskService.get(anyString(), anyString(), anyString(), anyLong())).thenReturn(Uni.createFrom().nullItem());
    }

    @Test
    void belowTheLimitTasksAreAcceptedAndAtTheLimitRefused() {
        when(taskService.activeCount(anyString(), anyString())).thenReturn(Uni.createFrom().item(Map.of("active", 99L)));
        post("{\"prompt\":\"one more\"}", "limit-key").then().statusCode(201);

        when(taskService.activeCount(anyString(), anyString())).thenReturn(Uni.createFrom().item(Map.of("active", 100L)));
        post("{\"prompt\":\"too many\"}", null).then().statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://api.miteos.com/problems/too-many-active-tasks"));
        post("{\"prompt\":\"one more\"}", "limit-key").then().statusCode(201)
                .header("Idempotent-Replayed", "true");
    }

    @Test
    void whenTheCountIsUnavailableTasksAreStillAccepted() {
        when(taskService.activeCount(any(), any())).thenReturn(Uni.createFrom().failure(new IllegalStateException("down")));

        post("{\"prompt\":\"still fine\"}", null).then().statusCode(201);
    }

    private io.restassured.response.Response post(String body, String idempotencyKey) {
        var request = given().auth().oauth2(token).contentType(ContentType.JSON).body(body);
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post("/v1/tasks");
    }
}
