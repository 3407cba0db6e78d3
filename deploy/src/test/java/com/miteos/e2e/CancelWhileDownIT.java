package com.miteos.e2e;

import com.miteos.e2e.crash.ComponentKiller;
import com.miteos.e2e.crash.Launcher;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 4, "cancel while the orchestrator is down": a slow task runs; the orchestrator is killed
 * (SIGKILL); the client cancels, and the gateway acknowledges; the orchestrator is restarted by
 * the launcher. The task ends cancelled, and its cost and deliverables are exactly what the
 * orchestrator had recorded when it died: the restarted orchestrator took the cancel before any
 * further step.
 *
 * <p>"What it had recorded" is read from the orchestrator's own database ({@code tasks} in
 * {@code miteos_orchestrator}), not from the read model: at the kill the read model may still
 * be behind by events the orchestrator had journaled but not yet published. Nothing changes that
 * row while the orchestrator is down, so reading it after the kill is reading it at the kill.
 *
 * <p>It kills and restarts a service, so it runs with the crash test ({@code -Pcrash}), not with
 * the other end-to-end tests.
 */
class CancelWhileDownIT {

    private static final String ORCHESTRATOR = "agent-orchestrator";
    private static final Path ROOT = Path.of(System.getProperty("crash.root", ".."));
    /** task-service's {@code tasks.cost} is {@code numeric(20,6)}. */
    private static final int READ_MODEL_COST_SCALE = 6;

    /** The orchestrator's durable record of a task: the truth the read model converges to. */
    private record Recorded(String status, boolean cancelRequested, BigDecimal cost, int files) {
    }

    @Test
    void aCancelSentWhileTheOrchestratorIsDownWinsWhenItComesBack() throws Exception {
        String token = Stack.demoToken();
        String id = Stack.as(token)
                .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT,
                        "config", Map.of("max_agents", 3, "sandbox", Map.of("step_delay_ms", 2_000))))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        // Two priced steps seen, so the kill lands while the task is well under way.
        awaitCostChange(token, id, awaitCostChange(token, id, BigDecimal.ZERO));

        killOrchestrator();
        Recorded atKill = recorded(id);
        assertThat(atKill.status()).isEqualTo("running");
        assertThat(atKill.cancelRequested()).isFalse();
        assertThat(atKill.cost()).isPositive();

        Stack.as(token).post("/v1/tasks/{id}/cancel", id).then().statusCode(200).body("success", equalTo(true));
        // Acknowledged means on task.cancel, where only the orchestrator reads it.
        await().atMost(Duration.ofSeconds(30)).until(() -> Kcat.records("task.cancel").stream()
                .anyMatch(record -> id.equals(record.key())));
        assertThat(recorded(id)).as("nothing acts on the cancel while the orchestrator is down").isEqualTo(atKill);
        assertThat(task(token, id).getString("status")).isNotEqualTo("cancelled");

        restartStack();
        await().atMost(Duration.ofSeconds(90)).until(() -> "cancelled".equals(task(token, id).getString("status")));
        Recorded end = recorded(id);
        assertThat(end.status()).isEqualTo("cancelled");
        assertThat(end.cost()).as("cost recorded by the orchestrator").isEqualByComparingTo(atKill.cost());
        assertThat(end.files()).as("files recorded by the orchestrator").isEqualTo(atKill.files());

        // The cancelled status is the task's last event: the read model shows the final figures (its
        // cost column keeps 6 decimal places, the orchestrator's journal all of them).
        JsonPath last = task(token, id);
        assertThat(new BigDecimal(last.getString("cost")))
                .isEqualByComparingTo(atKill.cost().setScale(READ_MODEL_COST_SCALE, RoundingMode.HALF_UP));
        assertThat(last.getInt("deliverables_count")).isEqualTo(atKill.files());
        assertThat(last.getList("agents.status")).doesNotContain("thinking", "acting", "queued", "waiting");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Stack.as(token)
                .get("/v1/tasks/{id}/deliverables", id).then().statusCode(200).extract().jsonPath().getList("$"))
                .hasSize(atKill.files()));
    }

    private static Recorded recorded(String taskId) throws SQLException {
        try (Connection db = Stack.database("miteos_orchestrator");
             PreparedStatement query = db.prepareStatement("""
                     SELECT status, cancel_requested, state::jsonb ->> 'cost' AS cost,
                            jsonb_array_length(COALESCE(state::jsonb -> 'files', '[]'::jsonb)) AS files
                       FROM tasks WHERE task_id = ?""")) {
            query.setString(1, taskId);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("the orchestrator recorded " + taskId).isTrue();
                String cost = row.getString("cost");
                return new Recorded(row.getString("status"), row.getBoolean("cancel_requested"),
                        cost == null ? BigDecimal.ZERO : new BigDecimal(cost).stripTrailingZeros(), row.getInt("files"));
            }
        }
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

    private static void restartStack() throws InterruptedException {
        assertThat(new Launcher(ROOT).run("up")).as("./miteos up").isNull();
    }
}
