package com.miteos.e2e;

import com.miteos.e2e.crash.ComponentKiller;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 4, "cancel while the orchestrator is down": a slow task runs; the orchestrator is killed
 * (SIGKILL); the client cancels, and the gateway acknowledges; the orchestrator is restarted by
 * the launcher. The task ends cancelled, and its cost and deliverables are what they were when
 * the orchestrator died: the restarted orchestrator took the cancel before any further step.
 *
 * <p>It kills and restarts a service, so it runs with the crash test ({@code -Pcrash}), not with
 * the other end-to-end tests.
 */
class CancelWhileDownIT {

    private static final String ORCHESTRATOR = "agent-orchestrator";
    private static final Path ROOT = Path.of(System.getProperty("crash.root", ".."));

    @Test
    void aCancelSentWhileTheOrchestratorIsDownWinsWhenItComesBack() throws Exception {
        String token = Stack.demoToken();
        String id = Stack.as(token)
                .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT,
                        "config", Map.of("max_agents", 3, "sandbox", Map.of("step_delay_ms", 2_000))))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        // Kill just after a step was published: the next one is 2 s away, so nothing is in flight.
        BigDecimal first = awaitCostChange(token, id, BigDecimal.ZERO);
        awaitCostChange(token, id, first);
        Thread.sleep(300);

        killOrchestrator();
        Thread.sleep(1_000);
        JsonPath atKill = task(token, id);
        assertThat(atKill.getString("status")).isEqualTo("running");

        Stack.as(token).post("/v1/tasks/{id}/cancel", id).then().statusCode(200).body("success", equalTo(true));
        Thread.sleep(3_000);
        assertThat(task(token, id).getString("status"))
                .as("nothing cancels the task while the orchestrator is down").isEqualTo("running");

        restartStack();
        await().atMost(Duration.ofSeconds(90)).until(() -> "cancelled".equals(task(token, id).getString("status")));
        await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            JsonPath last = task(token, id);
            assertThat(last.getString("status")).isEqualTo("cancelled");
            assertThat(new BigDecimal(last.getString("cost"))).isEqualByComparingTo(atKill.getString("cost"));
            assertThat(last.getInt("deliverables_count")).isEqualTo(atKill.getInt("deliverables_count"));
            assertThat(last.getList("agents.status")).doesNotContain("thinking", "acting", "queued", "waiting");
        });
    }

    private static BigDecimal awaitCostChange(String token, String id, BigDecimal from) {
        BigDecimal[] seen = new BigDecimal[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            String cost = task(token, id).getString("cost");
            seen[0] = cost == null ? BigDecimal.ZERO : new BigDecimal(cost);
            return seen[0].compareTo(from) != 0;
        });
        return seen[0];
    }

    private static JsonPath task(String token, String id) {
        return Stack.as(token).get("/v1/tasks/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    private static void killOrchestrator() throws Exception {
        long pid = ComponentKiller.launcherPid(Stack.STATE.resolve("pids"), ORCHESTRATOR)
                .orElseThrow(() -> new IllegalStateException(ORCHESTRATOR + " is not running under ./miteos"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        assertThat(process.destroyForcibly()).as("SIGKILL sent").isTrue();
        process.onExit().get(15, TimeUnit.SECONDS);
    }

    private static void restartStack() throws IOException, InterruptedException {
        ProcessBuilder launcher = new ProcessBuilder("./miteos", "up").directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        launcher.environment().put("MITEOS_SKIP_BUILD", "true");
        Process up = launcher.start();
        assertThat(up.waitFor(5, TimeUnit.MINUTES)).as("./miteos up finished").isTrue();
        assertThat(up.exitValue()).as("./miteos up succeeded").isZero();
    }
}
