package com.miteos.e2e;

import io.restassured.path.json.JsonPath;
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
 * caller's task and files (another account, or its own account in the other mode), and its own
 * task with every other caller's file id. Every such attempt must answer 404, exactly like a task
 * or file that does not exist, and none may succeed; lists show only the caller's own tasks; an
 * {@code Idempotency-Key} belongs to its caller; and a signed download URL opens the one object
 * it was signed for.
 *
 * <p>The matrix makes exactly {@value #CROSS_TENANT_ATTEMPTS} cross-tenant attempts (the figure
 * SECURITY.md quotes); each test checks its own share, so a test that silently tried less fails.
 */class IsolationMatrixIT {

    /** One of the four callers: its token, the task it created, and whether that create was a replay. */
    private record Caller(String name, String token, String taskId, boolean replayed) {
    }

    /** 12 ordered pairs of callers × 5 endpoints, plus each sandbox task's one file downloaded by the 3 others. */
    static final int ENDPOINT_ATTEMPTS = 12 * 5 + 2 * 3;
    /** Each caller's own task with each file of the other callers: 2 files, 3 callers each. */
    static final int OWN_TASK_OTHER_FILE_ATTEMPTS = 2 * 3;
    /** 4 callers × the 3 other callers' tasks. */
    static final int LIST_ATTEMPTS = 4 * 3;
    /** The 3 callers after the first reused its key. */
    static final int IDEMPOTENCY_ATTEMPTS = 3;
    /** a's URL on b's object, and each sandbox caller's URL with the other's file id. */
    static final int SIGNED_URL_ATTEMPTS = 1 + 2;
    static final int CROSS_TENANT_ATTEMPTS = ENDPOINT_ATTEMPTS + OWN_TASK_OTHER_FILE_ATTEMPTS + LIST_ATTEMPTS
            + IDEMPOTENCY_ATTEMPTS + SIGNED_URL_ATTEMPTS;
    /** The sandbox writes one report for these tasks; the attempt counts above rely on it. */
    private static final int FILES_PER_SANDBOX_TASK = 1;

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
            String ending = owner.name().endsWith("-test") ? "complete" : "failed";
            int count = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> task(owner), task -> ending.equals(task.getString("status")))
                    .getInt("deliverables_count");
            // The deliverables read model catches up on its own: wait until it lists what the task counts.
            FILES_BY_TASK.put(owner.taskId(), await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> Stack.as(owner.token())
                            .get("/v1/tasks/{id}/deliverables", owner.taskId()).then().statusCode(200).extract()
                            .jsonPath().getList("$"), files -> files.size() == count));
        }
        assertThat(FILES_BY_TASK.get(caller("a-test").taskId())).as("files of a's sandbox task")
                .hasSize(FILES_PER_SANDBOX_TASK);
        assertThat(FILES_BY_TASK.get(caller("b-test").taskId())).as("files of b's sandbox task")
                .hasSize(FILES_PER_SANDBOX_TASK);
    }

    @AfterAll
    static void printTheFigures() {
        System.out.printf("cross-tenant attempts: %d (of %d in the full matrix), successes: %d%n", ATTEMPTS.get(),
                CROSS_TENANT_ATTEMPTS, SUCCESSES.get());
    }

    @Test
    void noCallerReachesAnotherCallersTaskOrFilesThroughAnyEndpoint() {
        int before = ATTEMPTS.get();
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
        assertThat(ATTEMPTS.get() - before).as("attempts made").isEqualTo(ENDPOINT_ATTEMPTS);
    }

    @Test
    void aCallersOwnTaskDoesNotOpenAnotherCallersFile() {
        int before = ATTEMPTS.get();
        List<String> breaches = new ArrayList<>();
        for (Caller caller : CALLERS) {
            for (Caller owner : CALLERS) {
                if (owner == caller) {
                    continue;
                }
                for (Map<String, Object> file : FILES_BY_TASK.get(owner.taskId())) {
                    attempt(breaches, caller.name() + "'s own task with " + owner.name() + "'s file " + file.get("id"),
                            Stack.as(caller.token()).get("/v1/tasks/{id}/deliverables/{file}/download",
                                    caller.taskId(), file.get("id")));
                }
            }
        }
        assertThat(breaches).isEmpty();
        assertThat(ATTEMPTS.get() - before).as("attempts made").isEqualTo(OWN_TASK_OTHER_FILE_ATTEMPTS);
    }

    @Test
    void listsShowOnlyTheCallersOwnTasksWhateverTheFilter() {
        int before = ATTEMPTS.get();
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
        assertThat(ATTEMPTS.get() - before).as("attempts made").isEqualTo(LIST_ATTEMPTS);
    }

    @Test
    void anIdempotencyKeyBelongsToItsCaller() {
        // All four used the same key with their own body: none may have got another's task back.
        assertThat(CALLERS).extracting(Caller::taskId).doesNotHaveDuplicates();
        int before = ATTEMPTS.get();
        for (Caller caller : CALLERS.subList(1, CALLERS.size())) {
            ATTEMPTS.incrementAndGet();
            if (caller.replayed()) {
                SUCCESSES.incrementAndGet();
            }
        }
        assertThat(CALLERS).noneMatch(Caller::replayed);
        assertThat(ATTEMPTS.get() - before).as("attempts made").isEqualTo(IDEMPOTENCY_ATTEMPTS);
    }

    @Test
    void aSignedUrlOpensOnlyTheObjectItWasSignedFor() throws Exception {
        int before = ATTEMPTS.get();
        HttpClient http = HttpClient.newHttpClient();
        URI own = URI.create(firstFile(caller("a-test"), f -> (String) f.get("download_url")));
        URI other = URI.create(firstFile(caller("b-test"), f -> (String) f.get("download_url")));
        assertThat(status(http, own)).as("the signed URL itself works").isEqualTo(200);

        URI swapped = withPath(own, other.getRawPath());
        assertThat(swapped.getRawPath()).isNotEqualTo(own.getRawPath());
        List<String> breaches = new ArrayList<>();
        signedAttempt(http, breaches, "a's signature on b's object key", swapped);
        // The caller's own task in the object key, with the other's file id in place of its own.
        for (String[] pair : List.of(new String[] {"a-test", "b-test"}, new String[] {"b-test", "a-test"})) {
            URI url = URI.create(firstFile(caller(pair[0]), f -> (String) f.get("download_url")));
            String otherFile = firstFile(caller(pair[1]), f -> (String) f.get("id"));
            String path = url.getRawPath();
            signedAttempt(http, breaches, pair[0] + "'s signed URL with " + pair[1] + "'s file id",
                    withPath(url, path.substring(0, path.lastIndexOf('/') + 1) + otherFile));
        }
        assertThat(breaches).isEmpty();
        assertThat(ATTEMPTS.get() - before).as("attempts made").isEqualTo(SIGNED_URL_ATTEMPTS);
    }

    /** S3 checks the signature over the object key first: any other key is refused with 403. */
    private static void signedAttempt(HttpClient http, List<String> breaches, String what, URI url) throws Exception {
        ATTEMPTS.incrementAndGet();
        int answer = status(http, url);
        if (answer < 400) {
            SUCCESSES.incrementAndGet();
        }
        if (answer != 403) {
            breaches.add(what + " answered " + answer);
        }
    }

    private static URI withPath(URI signed, String rawPath) {
        return URI.create(signed.getScheme() + "://" + signed.getRawAuthority() + rawPath + "?" + signed.getRawQuery());
    }

    private static JsonPath task(Caller owner) {
        return Stack.as(owner.token()).get("/v1/tasks/{id}", owner.taskId()).then().statusCode(200).extract()
                .jsonPath();
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
