package com.miteos.e2e;

import com.miteos.e2e.crash.ComponentKiller;
import com.miteos.e2e.crash.Launcher;
import com.miteos.testing.WebhookReceiver;
import com.miteos.testing.WebhookReceiver.Received;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, "kill -9 of the delivering service mid-retry loses no delivery", against the running
 * stack: a receiver in this test fails the first two attempts of a task's {@code task.completed}
 * and holds the third unanswered; while that attempt is in flight (claimed by the worker, a retry
 * already recorded) task-service is killed with SIGKILL and restarted by the launcher. Once the
 * dead worker's lease has run out the restarted task-service sends it again, and the receiver gets
 * exactly one delivery it answers with a 2xx, with the same webhook-id as every attempt before and
 * a signature the Standard Webhooks reference library verifies.
 *
 * <p>It needs a stack that may deliver to a plain-http receiver on loopback, with compressed
 * waits: {@code ./miteos test} starts it so (MITEOS_WEBHOOK_ALLOW_HTTP,
 * MITEOS_WEBHOOK_ALLOW_LOOPBACK_TARGETS, MITEOS_WEBHOOK_RETRY_SCHEDULE, MITEOS_WEBHOOK_LEASE,
 * MITEOS_WEBHOOK_TIMEOUT). It kills and restarts a service, so it runs with the crash test
 * ({@code -Pcrash}), not with the other end-to-end tests.
 */
class WebhookCrashIT {

    private static final String TASK_SERVICE = "task-service";
    private static final Path ROOT = Path.of(System.getProperty("crash.root", ".."));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aDeliveryInFlightWhenTaskServiceIsKilledArrivesOnceAfterTheRestartWithItsWebhookId() throws Exception {
        CountDownLatch killed = new CountDownLatch(1);
        // 1, 2: failures (retried); 3: held until task-service is dead; then 200.
        try (WebhookReceiver receiver = new WebhookReceiver(n -> n <= 2 ? 500 : n == 3 ? heldUntil(killed) : 200)) {
            String token = Stack.newToken("test");
            ExtractableResponse<Response> registered = Stack.as(token)
                    .body(Map.of("url", receiver.url(), "events", List.of("task.completed")))
                    .post("/v1/webhooks").then().extract();
            assertThat(registered.statusCode())
                    .as("registering %s (the stack must run with MITEOS_WEBHOOK_ALLOW_HTTP=true and "
                            + "MITEOS_WEBHOOK_ALLOW_LOOPBACK_TARGETS=true, as ./miteos test starts it): %s",
                            receiver.url(), registered.body().asString())
                    .isEqualTo(201);
            String endpoint = registered.path("id");
            receiver.verifyingWith(registered.<String>path("secret"));

            Stack.as(token).body(Map.of("prompt", SeedTaskIT.SEED_PROMPT,
                            "config", Map.of("max_agents", 1, "sandbox", Map.of("step_delay_ms", 0))))
                    .post("/v1/tasks").then().statusCode(201);
            long start = System.nanoTime();
            await().atMost(WAIT).until(() -> receiver.arrivals() == 3);
            long third = System.nanoTime();

            killTaskService();
            killed.countDown();
            assertThat(new Launcher(ROOT).run("up")).as("./miteos up").isNull();
            long restarted = System.nanoTime();

            await().atMost(WAIT).until(() -> receiver.received().stream().anyMatch(WebhookCrashIT::accepted));
            System.out.printf("WebhookCrashIT: third attempt %d ms after the task began; kill and restart %d ms;"
                    + " the success %d ms after the restart%n", (third - start) / 1_000_000,
                    (restarted - third) / 1_000_000, (System.nanoTime() - restarted) / 1_000_000);
            Thread.sleep(2_000); // nothing may follow the success
            List<Received> received = receiver.received();
            String webhookId = received.get(0).webhookId();
            assertThat(received).as("attempts").hasSizeGreaterThanOrEqualTo(4).allMatch(Received::verified)
                    .extracting(Received::webhookId).containsOnly(webhookId);
            assertThat(received).filteredOn(WebhookCrashIT::accepted).as("2xx answers").hasSize(1);
            assertThat(received.get(received.size() - 1).answered()).as("the last attempt was the success")
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Stack.as(token)
                    .get("/v1/webhooks/{id}/deliveries", endpoint).then().statusCode(200).extract()
                    .<Map<String, Object>>path("deliveries[0]"))
                    .containsEntry("id", webhookId).containsEntry("state", "delivered")
                    .containsEntry("last_status_code", 200));
        }
    }

    private static boolean accepted(Received request) {
        return request.answered() >= 200 && request.answered() < 300;
    }

    /** Holds an attempt unanswered until task-service has been killed; it is then answered 503, to nobody. */
    private static int heldUntil(CountDownLatch killed) {
        try {
            killed.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 503;
    }

    private static void killTaskService() throws Exception {
        long pid = ComponentKiller.launcherPid(Stack.STATE.resolve("pids"), TASK_SERVICE)
                .orElseThrow(() -> new IllegalStateException(TASK_SERVICE + " is not running under ./miteos"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        assertThat(process.destroyForcibly()).as("SIGKILL sent").isTrue();
        process.onExit().get(15, TimeUnit.SECONDS);
    }
}
