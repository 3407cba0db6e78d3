package com.miteos.tasks;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.view.InternalHeaders;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Calls of the internal webhook API on behalf of an account in mode test, and feeding a task's events. */
final class WebhookTestSupport {

    private WebhookTestSupport() {
    }

    static ValidatableResponse register(String account, String url, List<String> events) {
        return given().contentType(ContentType.JSON)
                .header(InternalHeaders.ACCOUNT_ID, account).header(InternalHeaders.MODE, "test")
                .body(Map.of("url", url, "events", events))
                .post("/internal/webhooks").then();
    }

    static ValidatableResponse call(String account, String method, String path) {
        return given().header(InternalHeaders.ACCOUNT_ID, account).header(InternalHeaders.MODE, "test")
                .request(method, "/internal/webhooks" + path).then();
    }

    /** Runs the scripted task (three webhook events: deliverable.created, approval.requested, task.completed). */
    static void runTask(InMemorySource<List<String>> source, String task, String account) {
        for (EventEnvelope<?> event : EventLogScript.events(task, account)) {
            source.send(List.of(EventJson.toJson(event)));
        }
    }
}
