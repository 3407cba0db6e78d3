package com.miteos.e2e;

import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenant isolation end to end (issue 5): two accounts, each with a live and a sandbox key, make
 * four callers. Each creates a task; then every caller tries every endpoint on every other
 * caller's task and files (another account, or its own account in the other mode). Every such
 * attempt must answer 404, exactly like a task that does not exist, and none may succeed;
 * lists show only the caller's own tasks; an {@code Idempotency-Key} belongs to its caller; and
 * a signed download URL opens the one object it was signed for.
 */
class IsolationMatrixIT {

    /** One of the four callers: its token, the task it created, and whether that create was a replay. */
    private record Caller(String name, String token, String taskId, boolean replayed) {
    }

    private static final String SHARED_IDEMPOTENCY_KEY = "isolation-" + UUID.randomUUID();
    private static final List<Caller> CALLERS = new ArrayList<>();
    private static final Map<String, List<Map<String, Object>>> FILES_BY_TASK = new HashMap<>();
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();
    private static final AtomicInteger SUCCESSES = new AtomicInteger();

    @BeforeAll
    static void fourCallersEachCreateATask() {
        for (String account : List.of("a", "b")) {
            String accountId = Stack.newAccount();
            for (String mode : List.of("test", "live")) {
                String name = account + "-" + mode;
                String token = Stack.newKey(accountId, mode).getString("token");
                // Sandbox tasks run to completion and leave files; live ones fail fast without a model.
                Map<String, Object> config = mode.equals("test") ? Map.of("max_agents", 2, "autonomy_level", 100)
                        : Map.of("max_agents", 1, "autonomy_level", 100);
                Response created = Stack.as(token).header("Idempotency-Key", SHARED_IDEMPOTENCY_KEY)
                        .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT + " (" + name + ")", "config", config))
                        .post("/v1/tasks");
                created.then().statusCode(201);
                CALLERS.add(new Caller(name, token, created.path("id"),
                        "true".equals(created.header("Idempotent-Replayed"))));
            }
        }
        for (Caller owner : CALLERS) {
            if (owner.name().endsWith("-test")) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> "complete"
                        .equals(Stack.as(owner.token()).get("/v1/tasks/{id}", owner.taskId()).then().statusCode(200)
                                .extract().path("status")));
            }
            FILES_BY_TASK.put(owner.taskId(), Stack.as(owner.token()).get("/v1/tasks/{id}/deliverables", owner.taskId())
                    .then().statusCode(200).extract().jsonPath().getList("$"));
        }
        assertThat(FILES_BY_TASK.get(caller("a-test").taskId())).as("files of a's sandbox task").isNotEmpty();
        assertThat(FILES_BY_TASK.get(caller("b-test").taskId())).as("files of b's sandbox task").isNotEmpty();
    }

    @AfterAll
    static void printTheFigures() {
        System.out.printf("cross-tenant attempts: %d, successes: %d%n", ATTEMPTS.get(), SUCCESSES.get());
    }

    @Test
    void noCallerReachesAnotherCallersTaskOrFilesThroughAnyEndpoint() {
        List<String> breaches = new ArrayList<>();
        for (Caller caller : CALLERS) {
            for (Caller owner : CALLERS) {
                if (owner == caller) {
                    continue;
                }
                String task = owner.taskId();
                String pair = caller.name() + " on " + owner.name() + "'s task: ";
                attempt(breaches, pair + "GET task", Stack.as(caller.token()).get("/v1/tasks/{id}", task));
                attempt(breaches, pair + "cancel", Stack.as(caller.token()).post("/v1/tasks/{id}/cancel", task));
                attempt(breaches, pair + "pause", Stack.as(caller.token()).post("/v1/tasks/{id}/pause", task));
                attempt(breaches, pair + "resume", Stack.as(caller.token()).body(Map.of("message", "hijack"))
                        .post("/v1/tasks/{id}/resume", task));
                attempt(breaches, pair + "deliverables",
                        Stack.as(caller.token()).get("/v1/tasks/{id}/deliverables", task));
                for (Map<String, Object> file : FILES_BY_TASK.get(task)) {
                    attempt(breaches, pair + "download " + file.get("id"), Stack.as(caller.token())
                            .get("/v1/tasks/{id}/deliverables/{file}/download", task, file.get("id")));
                }
            }
        }
        assertThat(breaches).isEmpty();
    }

    @Test
    void listsShowOnlyTheCallersOwnTasksWhateverTheFilter() {
        List<String> breaches = new ArrayList<>();
        List<String> filters = List.of("", "&status=pending", "&status=planning", "&status=running", "&status=paused",
                "&status=complete", "&status=failed", "&status=cancelled");
        for (Caller caller : CALLERS) {
            List<String> seen = new ArrayList<>();
            for (String filter : filters) {
                seen.addAll(Stack.as(caller.token()).get("/v1/tasks?limit=100" + filter)
                        .then().statusCode(200).extract().jsonPath().getList("tasks.id", String.class));
            }
            assertThat(seen).as(caller.name() + "'s list").contains(caller.taskId());
            for (Caller owner : CALLERS) {
                if (owner != caller) {
                    ATTEMPTS.incrementAndGet();
                    if (seen.contains(owner.taskId())) {
                        SUCCESSES.incrementAndGet();
                        breaches.add(caller.name() + " lists " + owner.name() + "'s task");
                    }
                }
            }
        }
        assertThat(breaches).isEmpty();
    }

    @Test
    void anIdempotencyKeyBelongsToItsCaller() {
        // All four used the same key with their own body: none may have got another's task back.
        assertThat(CALLERS).extracting(Caller::taskId).doesNotHaveDuplicates();
        for (Caller caller : CALLERS.subList(1, CALLERS.size())) {
            ATTEMPTS.incrementAndGet();
            if (caller.replayed()) {
                SUCCESSES.incrementAndGet();
            }
        }
        assertThat(CALLERS).noneMatch(Caller::replayed);
    }

    @Test
    void aSignedUrlOpensOnlyTheObjectItWasSignedFor() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI own = URI.create(firstFile(caller("a-test"), f -> (String) f.get("download_url")));
        URI other = URI.create(firstFile(caller("b-test"), f -> (String) f.get("download_url")));
        assertThat(status(http, own)).as("the signed URL itself works").isEqualTo(200);

        URI swapped = URI.create(own.getScheme() + "://" + own.getRawAuthority() + other.getRawPath() + "?"
                + own.getRawQuery());
        assertThat(swapped.getRawPath()).isNotEqualTo(own.getRawPath());
        ATTEMPTS.incrementAndGet();
        int answer = status(http, swapped);
        if (answer < 400) {
            SUCCESSES.incrementAndGet();
        }
        assertThat(answer).as("a's signature on b's object key").isEqualTo(403);
    }

    private static void attempt(List<String> breaches, String what, Response response) {
        ATTEMPTS.incrementAndGet();
        int status = response.statusCode();
        if (status < 400) {
            SUCCESSES.incrementAndGet();
        }
        if (status != 404 || !String.valueOf(response.contentType()).startsWith("application/problem+json")) {
            breaches.add(what + " answered " + status + " " + response.contentType());
        }
    }

    private static <T> T firstFile(Caller owner, Function<Map<String, Object>, T> field) {
        return field.apply(FILES_BY_TASK.get(owner.taskId()).get(0));
    }

    private static Caller caller(String name) {
        return CALLERS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static int status(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
