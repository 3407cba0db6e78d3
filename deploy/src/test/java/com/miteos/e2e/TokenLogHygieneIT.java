package com.miteos.e2e;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * No token reaches a log (issue 5). The test uses a fresh key every way a client might (and
 * every way a client might get it wrong: revoked, truncated, in the wrong header, in the query
 * string), then reads every file under {@code .miteos/logs/}: none may hold the key's secret,
 * any piece of it beyond the prefix that is shown on purpose, the admin token, or anything
 * shaped like a token at all (which also catches tokens of the other end-to-end tests).
 *
 * <p>The logs are read once the services have written what the test's requests make them write:
 * a last request (a live task, which fails at once without a model) marks the end, and the test
 * waits until the gateway logged accepting it, the orchestrator logged the end of every task the
 * test created, and the two read models projected those ends (task-service and
 * deliverable-service log nothing per event, so their projections are the condition).
 */
class TokenLogHygieneIT {

    private static final Pattern ANY_TOKEN = Pattern.compile("mt_(live|test)_[A-Za-z0-9]{40}");
    /** Tokens show their mode prefix and this many random characters, on purpose (the key's prefix). */
    private static final int SHOWN_RANDOM_CHARACTERS = 4;
    /** Any run of this many characters of a secret counts as a piece of it (about 71 bits of it). */
    private static final int PIECE_LENGTH = 12;
    private static final Pattern CANDIDATE_RUN = Pattern.compile("[A-Za-z0-9_-]{" + PIECE_LENGTH + ",}");

    @Test
    void noLogHoldsATokenOrAPieceOfOne() throws Exception {
        assumeFalse(Stack.COMPOSE, "under docker-compose the logs stay in the containers");
        String account = Stack.newAccount();
        JsonPath testKey = Stack.newKey(account, "test");
        String token = testKey.getString("token");
        String liveToken = Stack.newKey(account, "live").getString("token");
        // Reads the sandbox task once the key that made it is revoked.
        String readerToken = Stack.newKey(account, "test").getString("token");
        List<String> secrets = List.of(token, liveToken, readerToken, Stack.adminToken());

        List<String> tasks = new ArrayList<>(useEveryWay(token, liveToken));
        Stack.revokeKey(testKey.getString("id"));
        Stack.as(token).get("/v1/tasks").then().statusCode(401);
        Stack.as(token).post("/v1/tasks/{id}/cancel", "task_01hwxyz4k8p3mq9rbn2csved").then().statusCode(401);
        String marker = Stack.as(liveToken).body(Map.of("prompt", "Log hygiene check, last request."))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        tasks.add(marker);
        awaitTheirLastLines(readerToken, liveToken, marker, tasks);

        List<String> leaks = scanLogs(piecesOf(secrets));
        System.out.printf("log hygiene: %d log files read, %d lines holding a token or a piece of one%n",
                logFiles().size(), leaks.size());
        assertThat(leaks).isEmpty();
    }

    /**
     * Waits until the gateway logged accepting the marker task, the orchestrator logged how each
     * task ended, and the read models show every task ended, the sandbox one with its files listed.
     */
    private static void awaitTheirLastLines(String readerToken, String liveToken, String marker, List<String> tasks) {
        Path logs = Stack.STATE.resolve("logs");
        awaitLine(logs.resolve("api-gateway.log"), Pattern.quote("task " + marker + ": accepted"));
        // The orchestrator's last line for a task: how it ended, or the cancel that ended it (a
        // cancelled run is stopped, it does not log "finished").
        for (String task : tasks) {
            awaitLine(logs.resolve("agent-orchestrator.log"), Pattern.quote("task " + task + ": ")
                    + "(finished|failed|cancel)");
        }
        String sandboxTask = tasks.get(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String task : tasks.subList(1, tasks.size())) {
                Stack.as(liveToken).get("/v1/tasks/{id}", task).then().statusCode(200).body("status", equalTo("failed"));
            }
            JsonPath sandbox = Stack.as(readerToken).get("/v1/tasks/{id}", sandboxTask).then().statusCode(200)
                    .extract().jsonPath();
            assertThat(sandbox.getString("status")).isIn("complete", "cancelled", "failed");
            assertThat(Stack.as(readerToken).get("/v1/tasks/{id}/deliverables", sandboxTask).then().statusCode(200)
                    .extract().jsonPath().getList("$")).hasSize(sandbox.getInt("deliverables_count"));
        });
    }

    private static void awaitLine(Path log, String regex) {
        Pattern line = Pattern.compile(regex);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                return lines.anyMatch(l -> line.matcher(l).find());
            }
        });
    }

    /** Every endpoint with the good tokens, and the mistakes clients make with them; answers the tasks created. */
    private static List<String> useEveryWay(String token, String liveToken) {
        String task = Stack.as(token).body(Map.of("prompt", "Log hygiene check.",
                        "config", Map.of("sandbox", Map.of("step_delay_ms", 200))))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        Stack.as(token).get("/v1/tasks/{id}", task).then().statusCode(200);
        Stack.as(token).get("/v1/tasks?limit=5").then().statusCode(200);
        Stack.as(token).get("/v1/tasks/{id}/deliverables", task).then().statusCode(200);
        Stack.as(token).get("/v1/tasks/{id}/deliverables/{file}/download", task, "dlvr_01hwxyz4k8p3mq9rbn2csved")
                .then().statusCode(404);
        Stack.as(token).post("/v1/tasks/{id}/pause", task);
        Stack.as(token).post("/v1/tasks/{id}/resume", task);
        Stack.as(token).post("/v1/tasks/{id}/cancel", task);
        String liveTask = Stack.as(liveToken).body(Map.of("prompt", "Log hygiene check, live.")).post("/v1/tasks")
                .then().statusCode(201).extract().path("id");

        for (String wrong : List.of(token.substring(0, token.length() - 1), token + "x", token.toUpperCase(),
                token.replace("mt_test_", "mt_live_"), token.replace("mt_test_", "mt_prod_"))) {
            Stack.as(wrong).get("/v1/tasks").then().statusCode(401);
        }
        RestAssured.given().baseUri(Stack.BASE_URL).header("Authorization", "Basic " + token).get("/v1/tasks")
                .then().statusCode(401);
        RestAssured.given().baseUri(Stack.BASE_URL).header("Authorization", token).get("/v1/tasks")
                .then().statusCode(401);
        RestAssured.given().baseUri(Stack.BASE_URL).header("X-Api-Key", token).get("/v1/tasks").then().statusCode(401);
        RestAssured.given().baseUri(Stack.BASE_URL).get("/v1/tasks?api_key=" + token).then().statusCode(401);
        Stack.as(token).get("/v1/no-such-endpoint?token=" + token).then().statusCode(404);
        Stack.as(Stack.adminToken()).get("/v1/tasks").then().statusCode(401);
        return List.of(task, liveTask);
    }

    /** The secret part of each token beyond what is shown on purpose, as every piece a log could hold. */
    private static Set<String> piecesOf(List<String> secrets) {
        Set<String> pieces = new HashSet<>();
        for (String secret : secrets) {
            String hidden = ANY_TOKEN.matcher(secret).matches()
                    ? secret.substring("mt_test_".length() + SHOWN_RANDOM_CHARACTERS) : secret;
            for (int i = 0; i + PIECE_LENGTH <= hidden.length(); i++) {
                pieces.add(hidden.substring(i, i + PIECE_LENGTH));
            }
        }
        return pieces;
    }

    private static List<String> scanLogs(Set<String> pieces) throws IOException {
        List<String> leaks = new ArrayList<>();
        for (Path file : logFiles()) {
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                int number = 0;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    number++;
                    if (ANY_TOKEN.matcher(line).find() || holdsAPiece(line, pieces)) {
                        leaks.add(file.getFileName() + ":" + number);
                    }
                }
            }
        }
        return leaks;
    }

    private static boolean holdsAPiece(String line, Set<String> pieces) {
        Matcher run = CANDIDATE_RUN.matcher(line);
        while (run.find()) {
            for (int i = run.start(); i + PIECE_LENGTH <= run.end(); i++) {
                if (pieces.contains(line.substring(i, i + PIECE_LENGTH))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Path> logFiles() throws IOException {
        Path logs = Stack.STATE.resolve("logs");
        assertThat(logs).as("the launcher's log directory").isDirectory();
        try (Stream<Path> files = Files.walk(logs)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
