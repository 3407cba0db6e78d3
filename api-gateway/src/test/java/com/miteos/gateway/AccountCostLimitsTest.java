package com.miteos.gateway;

import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskResumeRequested;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasToString;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/**
 * An account's budget limits (admin API): the default cap of a task without {@code config.max_cost}
 * and the ceiling no task's cap, at creation or on resume, may pass. Same profile as TaskApiTest
 * (Kafka in memory, the read model mocked).
 */
@QuarkusTest
class AccountCostLimitsTest {

    /**
     * Decimals read as BigDecimal, so a cap is compared by its text as served: "50", never "5E+1"
     * or a float's approximation.
     */
    private static final RestAssuredConfig DECIMALS = RestAssuredConfig.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL));

    @Inject
    @Any
    InMemoryConnector connector;

    @InjectMock
    TaskReadModel readModel;

    private String account;
    private String token;

    @BeforeEach
    void setUp() {
        account = ApiTestSupport.newAccount();
        token = ApiTestSupport.newToken(account, "test");
        connector.sink("task-created").clear();
        connector.sink("task-control").clear();
        when(readModel.find(any(Caller.class), anyString(), any(Duration.class))).thenReturn(Uni.createFrom().nullItem());
    }

    @Test
    void anOperatorSetsReadsAndClearsAnAccountsLimits() {
        admin().get("/admin/v1/accounts/{id}", account).then().statusCode(200)
                .body("id", equalTo(account)).body("name", equalTo("acme"))
                .body("default_max_cost", nullValue()).body("max_cost_ceiling", nullValue());

        admin().body("{\"default_max_cost\": 5.00, \"max_cost_ceiling\": 50.00}").patch("/admin/v1/accounts/{id}", account)
                .then().statusCode(200)
                .body("default_max_cost", hasToString("5"))
                .body("max_cost_ceiling", hasToString("50"));
        admin().get("/admin/v1/accounts/{id}", account).then().statusCode(200)
                .body("default_max_cost", hasToString("5"))
                .body("max_cost_ceiling", hasToString("50"));

        // An absent field stays, null clears.
        admin().body("{}").patch("/admin/v1/accounts/{id}", account).then().statusCode(200)
                .body("default_max_cost", hasToString("5"));
        admin().body("{\"default_max_cost\": null}").patch("/admin/v1/accounts/{id}", account).then().statusCode(200)
                .body("default_max_cost", nullValue())
                .body("max_cost_ceiling", hasToString("50"));
        admin().body("{\"max_cost_ceiling\": null}").patch("/admin/v1/accounts/{id}", account).then().statusCode(200)
                .body("default_max_cost", nullValue()).body("max_cost_ceiling", nullValue());
    }

    @Test
    void invalidLimitsAreRefusedNamingTheFieldAndChangeNothing() {
        admin().body("{\"default_max_cost\": 5, \"max_cost_ceiling\": 10}").patch("/admin/v1/accounts/{id}", account)
                .then().statusCode(200);
        for (String body : List.of("{\"default_max_cost\": 0}", "{\"default_max_cost\": -1}",
                "{\"default_max_cost\": \"5\"}", "{\"max_cost_ceiling\": 1000000.01}", "{\"max_cost_ceiling\": true}",
                "{\"default_max_cost\": 11}", "{\"default_max_cost\": 8, \"max_cost_ceiling\": 7}")) {
            admin().body(body).patch("/admin/v1/accounts/{id}", account).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://api.miteos.com/problems/validation-error"))
                    .body("errors.field", hasItem(body.contains("ceiling\": 1") || body.contains("true")
                            ? "max_cost_ceiling" : "default_max_cost"));
        }
        // Lowering the ceiling under the default is the ceiling's fault.
        admin().body("{\"max_cost_ceiling\": 4}").patch("/admin/v1/accounts/{id}", account).then().statusCode(400)
                .body("errors.field", hasItem("max_cost_ceiling"))
                .body("errors.message", hasItem("must be at least default_max_cost (5)"));
        admin().body("{\"name\": \"x\"}").patch("/admin/v1/accounts/{id}", account).then().statusCode(400)
                .body("errors.field", hasItem("name"));
        admin().get("/admin/v1/accounts/{id}", account).then().statusCode(200)
                .body("default_max_cost", hasToString("5"))
                .body("max_cost_ceiling", hasToString("10"));

        admin().body("{\"default_max_cost\": 1}").patch("/admin/v1/accounts/{id}", "acct_nosuchaccount").then()
                .statusCode(404).contentType("application/problem+json");
        admin().get("/admin/v1/accounts/{id}", "acct_nosuchaccount").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"default_max_cost\": 1}")
                .patch("/admin/v1/accounts/{id}", account).then().statusCode(401);
    }

    @Test
    void aTaskWithoutMaxCostGetsTheAccountDefaultAndItsOwnCapWins() {
        limits("{\"default_max_cost\": 5.00, \"max_cost_ceiling\": 50}");

        String id = as(token).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201)
                .body("config.max_cost", hasToString("5")).extract().path("id");
        assertThat(publishedCap(id)).isEqualByComparingTo("5");
        as(token).get("/v1/tasks/{id}", id).then().statusCode(200)
                .body("config.max_cost", hasToString("5"));

        String own = as(token).body("{\"prompt\":\"x\",\"config\":{\"max_cost\":20}}").post("/v1/tasks").then()
                .statusCode(201).body("config.max_cost", hasToString("20")).extract().path("id");
        assertThat(publishedCap(own)).isEqualByComparingTo("20");
    }

    @Test
    void aCapAboveTheCeilingIsA422ProblemAndOneAtTheCeilingIsAccepted() {
        limits("{\"max_cost_ceiling\": 50}");

        as(token).body("{\"prompt\":\"x\",\"config\":{\"max_cost\":50.01}}").post("/v1/tasks").then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://api.miteos.com/problems/max-cost-above-ceiling"))
                .body("status", equalTo(422))
                .body("errors[0].field", equalTo("config.max_cost"))
                .body("errors[0].message", equalTo("must be at most 50, this account's max_cost_ceiling"));
        assertThat(connector.sink("task-created").received()).isEmpty();

        as(token).body("{\"prompt\":\"x\",\"config\":{\"max_cost\":50}}").post("/v1/tasks").then().statusCode(201);
    }

    @Test
    void withoutADefaultTheCeilingIsTheCap() {
        limits("{\"max_cost_ceiling\": 7.5}");

        String id = as(token).body("{\"prompt\":\"x\",\"config\":{\"max_agents\":2}}").post("/v1/tasks").then()
                .statusCode(201).body("config.max_cost", hasToString("7.5")).extract().path("id");
        assertThat(publishedCap(id)).isEqualByComparingTo("7.5");
    }

    @Test
    void aResumeAboveTheCeilingIsA422ProblemAndPublishesNothing() {
        limits("{\"default_max_cost\": 1, \"max_cost_ceiling\": 3}");
        String id = as(token).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201).extract().path("id");

        as(token).body("{\"max_cost\": 3.01}").post("/v1/tasks/{id}/resume", id).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://api.miteos.com/problems/max-cost-above-ceiling"))
                .body("errors[0].field", equalTo("max_cost"));
        assertThat(connector.sink("task-control").received()).isEmpty();

        as(token).body("{\"max_cost\": 3}").post("/v1/tasks/{id}/resume", id).then().statusCode(200);
        List<? extends org.eclipse.microprofile.reactive.messaging.Message<String>> control =
                connector.<String>sink("task-control").received();
        assertThat(control).hasSize(1);
        assertThat(((TaskResumeRequested) EventJson.fromJson(control.get(0).getPayload()).payload()).maxCost())
                .isEqualByComparingTo("3");
    }

    @Test
    void anotherAccountIsUnaffected() {
        limits("{\"default_max_cost\": 1, \"max_cost_ceiling\": 2}");
        String other = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");

        as(other).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201)
                .body("config", not(hasKey("max_cost")));
        as(other).body("{\"prompt\":\"x\",\"config\":{\"max_cost\":1000}}").post("/v1/tasks").then().statusCode(201);
    }

    @Test
    void clearedLimitsApplyFromTheNextRequestOfAKeyInUse() {
        limits("{\"default_max_cost\": 1, \"max_cost_ceiling\": 2}");
        as(token).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201)
                .body("config.max_cost", hasToString("1"));

        // The key is remembered with the limits for 0.5 s from this (fast) request on: changing the
        // limits here must not wait for that.
        long remembered = System.nanoTime();
        as(token).get("/v1/tasks/{id}", "task_x").then().statusCode(404);
        limits("{\"default_max_cost\": null, \"max_cost_ceiling\": null}");
        as(token).body("{\"prompt\":\"x\"}").post("/v1/tasks").then().statusCode(201)
                .body("config", not(hasKey("max_cost")));
        System.out.printf("limits cleared and a task created %d ms after the key was remembered%n",
                (System.nanoTime() - remembered) / 1_000_000);
        as(token).body("{\"prompt\":\"x\",\"config\":{\"max_cost\":1000}}").post("/v1/tasks").then().statusCode(201);
    }

    private void limits(String body) {
        admin().body(body).patch("/admin/v1/accounts/{id}", account).then().statusCode(200);
    }

    private BigDecimal publishedCap(String taskId) {
        List<EventEnvelope<EventPayload>> created = connector.<String>sink("task-created").received().stream()
                .map(m -> EventJson.<EventPayload>fromJson(m.getPayload())).filter(e -> e.taskId().equals(taskId))
                .toList();
        assertThat(created).hasSize(1);
        return ((TaskCreated) created.get(0).payload()).config().maxCost();
    }

    private static RequestSpecification admin() {
        return as(ApiTestSupport.ADMIN_TOKEN);
    }

    private static RequestSpecification as(String token) {
        return given().config(DECIMALS).auth().oauth2(token).contentType(ContentType.JSON);
    }
}
