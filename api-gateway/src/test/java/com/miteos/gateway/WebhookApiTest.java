package com.miteos.gateway;

import com.miteos.gateway.client.WebhookServiceApi;
import com.miteos.model.view.WebhookDeliveryPage;
import com.miteos.model.view.WebhookEndpointView;
import com.miteos.model.view.WebhookRegistration;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/**
 * {@code /v1/webhooks} of the gateway with task-service's webhook API mocked: the body's shape is
 * checked here, everything is asked on behalf of the caller's account and mode, and task-service's
 * refusals become problem details (400 naming the field, 404, 409). task-service's own tests prove
 * what it refuses (SSRF corpus, unknown events, the cap, other accounts' ids).
 */
@QuarkusTest
class WebhookApiTest {

    private static final String ID = "wh_01hwxyzq3m8k2v9ntd5pbcsgea";

    @InjectMock
    @RestClient
    WebhookServiceApi service;

    private String account;
    private String token;

    @BeforeEach
    void setUp() {
        account = ApiTestSupport.newAccount();
        token = ApiTestSupport.newToken(account, "test");
    }

    @Test
    void registrationIsForwardedForTheCallersAccountAndModeAndAnswersTheSecretOnce() {
        when(service.register(any(), eq(account), eq("test"))).thenReturn(Uni.createFrom().item(new WebhookEndpointView(
                ID, "https://example.com/hook", List.of("task.completed"), "enabled", Instant.now(), null, null,
                "whsec_c2VjcmV0", null)));

        as(token).body("{\"url\":\"https://example.com/hook\",\"events\":[\"task.completed\"]}").post("/v1/webhooks")
                .then().statusCode(201)
                .header("Location", endsWith("/v1/webhooks/" + ID))
                .body("id", equalTo(ID)).body("secret", startsWith("whsec_")).body("status", equalTo("enabled"));

        verify(service).register(eq(new WebhookRegistration("https://example.com/hook", List.of("task.completed"))),
                eq(account), eq("test"));
    }

    @Test
    void aBodyOfTheWrongShapeIsRefusedHereNamingEachField() {
        as(token).body("{\"url\":42,\"events\":\"task.completed\",\"secret\":\"x\"}").post("/v1/webhooks")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://api.miteos.com/problems/validation-error"))
                .body("errors.field", hasItems("url", "events", "secret"));
        as(token).body("{\"events\":[]}").post("/v1/webhooks").then().statusCode(400)
                .body("errors.field", hasItems("url", "events"));
        as(token).body("[1]").post("/v1/webhooks").then().statusCode(400)
                .body("type", equalTo("https://api.miteos.com/problems/malformed-body"));
        verifyNoInteractions(service);
    }

    @Test
    void taskServiceRefusalsBecomeProblems() {
        when(service.register(any(), anyString(), anyString())).thenReturn(Uni.createFrom().failure(
                refusal(400, "{\"errors\":{\"url\":\"must be an https:// URL\"}}")));
        as(token).body("{\"url\":\"http://example.com/\",\"events\":[\"task.completed\"]}").post("/v1/webhooks")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("url")).body("errors[0].message", equalTo("must be an https:// URL"));

        when(service.register(any(), anyString(), anyString())).thenReturn(Uni.createFrom().failure(
                refusal(409, "{\"message\":\"an account may register at most 20 webhook endpoints per mode\"}")));
        as(token).body("{\"url\":\"https://example.com/\",\"events\":[\"task.completed\"]}").post("/v1/webhooks")
                .then().statusCode(409).body("type", equalTo("https://api.miteos.com/problems/webhook-limit"))
                .body("detail", equalTo("an account may register at most 20 webhook endpoints per mode"));
    }

    @Test
    void anotherAccountsWebhookIsNotFoundWhateverTheOperation() {
        when(service.delete(eq(ID), anyString(), anyString())).thenReturn(Uni.createFrom().failure(refusal(404, "")));
        when(service.rotate(eq(ID), anyString(), anyString())).thenReturn(Uni.createFrom().failure(refusal(404, "")));
        when(service.deliveries(eq(ID), anyString(), anyString(), anyInt(), anyInt()))
                .thenReturn(Uni.createFrom().failure(refusal(404, "")));
        when(service.redeliver(eq(ID), anyString(), anyString(), anyString()))
                .thenReturn(Uni.createFrom().failure(refusal(404, "")));
        when(service.enable(eq(ID), anyString(), anyString())).thenReturn(Uni.createFrom().failure(refusal(404, "")));

        as(token).delete("/v1/webhooks/" + ID).then().statusCode(404)
                .body("type", equalTo("https://api.miteos.com/problems/not-found"));
        as(token).post("/v1/webhooks/" + ID + "/rotate-secret").then().statusCode(404);
        as(token).get("/v1/webhooks/" + ID + "/deliveries").then().statusCode(404);
        as(token).post("/v1/webhooks/" + ID + "/deliveries/msg_x/redeliver").then().statusCode(404);
        as(token).post("/v1/webhooks/" + ID + "/enable").then().statusCode(404)
                .body("detail", equalTo("Webhook " + ID + " does not exist."));
        verify(service).delete(ID, account, "test");
        verify(service).enable(ID, account, "test");
    }

    @Test
    void enablingIsForwardedForTheCallersAccountAndModeAndAnswersTheEndpointWithoutSecret() {
        when(service.enable(eq(ID), eq(account), eq("test"))).thenReturn(Uni.createFrom().item(new WebhookEndpointView(
                ID, "https://example.com/hook", List.of("task.completed"), "enabled", Instant.now(), null, null, null,
                null)));

        as(token).post("/v1/webhooks/" + ID + "/enable").then().statusCode(200)
                .body("id", equalTo(ID)).body("status", equalTo("enabled"))
                .body("$", not(hasKey("secret"))).body("$", not(hasKey("disabled_reason")));
        verify(service).enable(ID, account, "test");
    }

    @Test
    void deliveriesArePagedLikeTasks() {
        when(service.deliveries(eq(ID), eq(account), eq("test"), eq(5), eq(10)))
                .thenReturn(Uni.createFrom().item(new WebhookDeliveryPage(List.of(), 12, 5, 10)));

        as(token).get("/v1/webhooks/" + ID + "/deliveries?limit=5&offset=10").then().statusCode(200)
                .body("total", equalTo(12)).body("limit", equalTo(5)).body("offset", equalTo(10));
        as(token).get("/v1/webhooks/" + ID + "/deliveries?limit=0").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        verify(service, never()).deliveries(eq(ID), anyString(), anyString(), eq(0), anyInt());
    }

    private static WebApplicationException refusal(int status, String body) {
        return new WebApplicationException(Response.status(status).entity(body).build());
    }

    private RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }
}
