package com.miteos.e2e;

import com.miteos.e2e.crash.ComponentKiller;
import com.miteos.e2e.crash.CrashApi;
import com.miteos.e2e.scale.CapSubmitter;
import com.miteos.e2e.scale.RateLimitHammer;
import com.miteos.e2e.scale.RateLimitHammer.Limit;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static com.miteos.e2e.crash.RunProperties.duration;
import static com.miteos.e2e.crash.RunProperties.integer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Issue 9, "Other services scale too": the per-key rate limit and the active-task cap hold across
 * gateway replicas, shown with real processes. Runs only with {@code -Pit,scale} (see
 * {@code reliability/shared-limits.sh}), against a stack that
 * {@code ./miteos up --scale api-gateway=2,task-service=2,deliverable-service=2} started: gateway k
 * reads from task-service and deliverable-service instance k.
 *
 * <p><b>Rate limit.</b> After the same load with another key for {@code limits.warmup} (5 s, so
 * that fresh gateways are not still compiling), one fresh key sends {@code limits.overload} (10)
 * times its limit's rate, open-loop, round-robin over the gateways, for {@code limits.window} (8 s), alternating
 * {@code GET /v1/tasks/{id}} and {@code GET /v1/tasks/{id}/deliverables} of a finished task. The
 * limit (rate r, burst b) is read from the gateways themselves ({@link RateLimitHammer#probe}, each
 * must enforce the same). A fresh bucket is full, so over a window of T seconds a token bucket can
 * give at most {@code allowed = b + floor(r × T)}, T running from the first request sent to the
 * last answer received (every decision lies inside it). The bound: passed (+ requests
 * without an answer, which may have taken a token) ≤ 1.05 × allowed. And passed ≥ 0.9 × (b + r ×
 * sending time): under a tenfold load every refilled token is taken at once, so a limiter that
 * refuses too much fails too. With the defaults (20/s, burst 40, 8 s): allowed ≈ 200 of 1,600 sent;
 * buckets per replica ({@code MITEOS_RATE_LIMIT_STORE=local}) let about 400 through and fail.
 *
 * <p><b>Active-task cap.</b> A fresh account submits cap + max(10, cap / 2) tasks at once from 32
 * threads through every gateway (several keys, so the key's own rate limit does not decide). The
 * tasks wait for a plan approval, so none ends by itself. While the burst runs, an observer reads
 * the account's task count every 250 ms. Then: at most cap accepted, every other one refused with
 * {@code too-many-active-tasks}; submissions one by one until refused bring the account to exactly
 * the cap (the cap may refuse early for a moment, never late); the read model shows exactly the
 * accepted tasks, all unfinished; a second burst through every gateway is refused whole. The
 * accepted tasks are cancelled at the end.
 *
 * <p>The figures go to {@code target/shared-limits/summary.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedLimitsIT {

    /** The bound: at tenfold load over 2 gateways, accepted ≤ 1.05 × the limit. */
    static final double MAX_RATIO = 1.05;
    /** Under a tenfold load, fewer than this share of the tokens taken is a limiter that refuses too much. */
    static final double MIN_RATIO = 0.9;
    private static final Path SUMMARY_FILE = Path.of("target", "shared-limits", "summary.txt");
    private static final List<String> SUMMARY = new ArrayList<>();
    private static final Duration OBSERVE_EVERY = Duration.ofMillis(250);
    private static final Duration PROJECTION_PATIENCE = Duration.ofMinutes(2);
    private static final List<String> FINISHED = TaskStatus.names().stream()
            .filter(s -> TaskStatus.of(s).isTerminal()).toList();

    private static int gateways;
    private static List<String> gatewayUrls;

    @BeforeAll
    static void requireScaledStack() {
        assumeFalse(Stack.COMPOSE, "the shared limits are tested on the local stack that ./miteos started");
        gateways = integer("limits.gateways", 2);
        assertThat(gateways).as("limits.gateways").isGreaterThanOrEqualTo(2);
        Path pids = Stack.STATE.resolve("pids");
        for (String service : List.of("api-gateway", "task-service", "deliverable-service")) {
            for (int k = 1; k <= gateways; k++) {
                String name = k == 1 ? service : service + "-" + k;
                assertThat(ComponentKiller.launcherPid(pids, name))
                        .as(name + " must be running under ./miteos: ./miteos up --scale api-gateway=" + gateways
                                + ",task-service=" + gateways + ",deliverable-service=" + gateways)
                        .isPresent();
            }
        }
        gatewayUrls = Stack.gatewayUrls(gateways);
    }

    @Test
    @Order(1)
    void oneKeyAtTenTimesItsLimitOverEveryGatewayGetsTheLimitOnce() throws Exception {
        Duration window = duration("limits.window", Duration.ofSeconds(8));
        int overload = integer("limits.overload", 10);
        String account = Stack.newAccount();

        List<Limit> limits = new ArrayList<>();
        for (String url : gatewayUrls) {
            limits.add(RateLimitHammer.probe(url, "/v1/tasks?limit=1", Stack.newKey(account, "test").getString("token")));
        }
        assertThat(limits).as("every gateway enforces the same limit").containsOnly(limits.get(0));
        Limit limit = limits.get(0);

        String taskId = finishedTask(Stack.newKey(account, "test").getString("token"));
        List<String> paths = List.of("/v1/tasks/" + taskId, "/v1/tasks/" + taskId + "/deliverables");
        double perSecond = (double) overload * limit.requestsPerSecond();
        // The same load with another key first, so that freshly started gateways are not still
        // compiling their hot paths while the measured key's requests queue up.
        Duration warmup = duration("limits.warmup", Duration.ofSeconds(5));
        new RateLimitHammer(gatewayUrls, paths, Stack.newKey(account, "test").getString("token"))
                .run((int) Math.round(perSecond * warmup.toNanos() / 1e9), perSecond);

        RateLimitHammer hammer = new RateLimitHammer(gatewayUrls, paths, Stack.newKey(account, "test").getString("token"));
        int requests = (int) Math.round(perSecond * window.toNanos() / 1e9);
        RateLimitHammer.Result result = hammer.run(requests, perSecond);

        long allowed = limit.allowedOver(result.window());
        long floor = Math.round(MIN_RATIO * limit.allowedOver(result.sendWindow()));
        int passedOrUnknown = result.passed() + result.unknown();
        summary(String.format(Locale.ROOT, "shared limits: rate limit: rps=%d burst=%d gateways=%d offered_per_s=%.1f"
                        + " (%.1fx) sent=%d passed=%d refused=%d unknown=%d window_s=%.3f allowed=%d ratio=%.3f (max %.2f)"
                        + " send_window_s=%.3f decided_per_s=%.1f min_passed=%d",
                limit.requestsPerSecond(), limit.burst(), gateways, result.offeredPerSecond(),
                result.offeredPerSecond() / limit.requestsPerSecond(), result.sent(), result.passed(), result.refused(),
                result.unknown(), result.window().toNanos() / 1e9, allowed, (double) passedOrUnknown / allowed, MAX_RATIO,
                result.sendWindow().toNanos() / 1e9, result.sent() * 1e9 / result.window().toNanos(), floor));
        result.gateways().forEach(g -> summary("shared limits:   " + g));

        assertThat(result.offeredPerSecond()).as("the client offered %dx the limit", overload)
                .isGreaterThanOrEqualTo(0.9 * perSecond);
        assertThat(result.gateways()).as("every gateway let some requests through and refused others")
                .allSatisfy(g -> assertThat(g.passed() > 0 && g.refused() > 0).as(g.toString()).isTrue());
        assertThat(passedOrUnknown).as("passed + unknown ≤ %.2f × allowed (%d)", MAX_RATIO, allowed)
                .isLessThanOrEqualTo((int) Math.floor(MAX_RATIO * allowed));
        assertThat(result.passed()).as("passed ≥ %.1f × (burst + rate × sending time)", MIN_RATIO)
                .isGreaterThanOrEqualTo((int) floor);
        assertThat(result.unknown()).as("requests without an answer").isLessThanOrEqualTo(result.sent() / 100);
    }

    @Test
    @Order(2)
    void theActiveTaskCapHoldsForSubmissionsThroughEveryGatewayAtOnce() throws Exception {
        int plannedCap = Integer.parseInt(env("MITEOS_MAX_ACTIVE_TASKS", "100"));
        assertThat(plannedCap).as("MITEOS_MAX_ACTIVE_TASKS: the cap must be on and small enough to test")
                .isBetween(1, 1_000);
        int submissions = plannedCap + Math.max(10, plannedCap / 2);
        String account = Stack.newAccount();
        List<CrashApi> clients = new ArrayList<>();
        for (int key = 0; key < Math.max(2, (submissions + 9) / 10); key++) {
            String token = Stack.newKey(account, "test").getString("token");
            gatewayUrls.forEach(url -> clients.add(new CrashApi(url, token)));
        }
        CrashApi observer = new CrashApi(gatewayUrls.get(0), Stack.newKey(account, "test").getString("token"));
        CapSubmitter submitter = new CapSubmitter(clients, "cap-" + System.currentTimeMillis());
        CountObserver counts = new CountObserver(observer);
        try {
            counts.start();
            int firstBurst = submitter.burst(submissions, 32);
            int refusedInBurst = submitter.refused();
            int toppedUp = firstBurst <= plannedCap ? topUp(submitter, plannedCap) : 0;
            counts.stop();
            long unfinished = awaitReadModel(observer, plannedCap);
            int secondBurst = submitter.burst(Math.max(10, gateways * 5), 16);
            int cap = submitter.reportedCap();
            summary("shared limits: active-task cap: cap=" + cap + " gateways=" + gateways + " burst_submitted="
                    + submissions + " burst_accepted=" + firstBurst + " burst_refused=" + refusedInBurst
                    + " topped_up=" + toppedUp + " accepted=" + submitter.accepted().size() + " unfinished_in_read_model="
                    + unfinished + " max_seen_in_read_model=" + counts.max() + " second_burst_accepted=" + secondBurst
                    + " retries=" + submitter.retries());

            assertThat(cap).as("the cap the gateways name in their refusals (MITEOS_MAX_ACTIVE_TASKS)")
                    .isEqualTo(plannedCap);
            assertThat(firstBurst).as("accepted of %d submitted at once through %d gateways", submissions, gateways)
                    .isPositive().isLessThanOrEqualTo(cap);
            assertThat(submitter.accepted()).as("accepted after topping up one by one").hasSize(cap);
            assertThat(counts.max()).as("the most tasks the read model ever showed").isLessThanOrEqualTo(cap);
            assertThat(unfinished).as("unfinished tasks in the read model").isEqualTo(cap);
            assertThat(secondBurst).as("accepted of a second burst at the cap").isZero();
        } finally {
            counts.stop();
            int notCancelled = submitter.cancelAll();
            summary("shared limits: active-task cap: cancelled " + (submitter.accepted().size() - notCancelled) + " of "
                    + submitter.accepted().size());
        }
    }

    @AfterAll
    static void writeSummary() throws Exception {
        SUMMARY.forEach(System.out::println);
        Files.createDirectories(SUMMARY_FILE.getParent());
        Files.write(SUMMARY_FILE, SUMMARY);
    }

    /**
     * Submits one by one until the cap refuses. A refusal while the read model shows fewer than the
     * cap is the cap counting a task twice for a moment (accepted, projected, not yet stamped
     * seen): wait and try again, up to {@link #PROJECTION_PATIENCE}.
     */
    private static int topUp(CapSubmitter submitter, int cap) throws InterruptedException {
        int added = 0;
        Instant deadline = Instant.now().plus(PROJECTION_PATIENCE);
        while (submitter.accepted().size() < cap && Instant.now().isBefore(deadline)) {
            if (submitter.submitOne()) {
                added++;
            } else {
                Thread.sleep(2_000);
            }
        }
        return added;
    }

    /**
     * Waits until the read model shows {@code expected} tasks of the account, every one paused for
     * its plan's approval (a state they keep, so the counts cannot move while they are read);
     * answers how many it shows unfinished.
     */
    private static long awaitReadModel(CrashApi api, int expected) throws Exception {
        Instant deadline = Instant.now().plus(PROJECTION_PATIENCE);
        while (total(api, "paused") < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        long all = total(api, null);
        long finished = 0;
        for (String status : FINISHED) {
            finished += total(api, status);
        }
        return all - finished;
    }

    /** The account's tasks in the read model (of one status, or all), or -1 when the read failed. */
    private static long total(CrashApi api, String status) throws Exception {
        CrashApi.Answer answer = api.getPatiently("/v1/tasks?limit=1" + (status == null ? "" : "&status=" + status),
                Instant.now().plusSeconds(30));
        return answer == null || answer.status() != 200 ? -1 : answer.body().path("total").asLong(-1);
    }

    /** A task of the given key, created through gateway 1 and seen complete through every gateway. */
    private static String finishedTask(String token) throws Exception {
        CrashApi first = new CrashApi(gatewayUrls.get(0), token);
        CrashApi.Answer created = first.post("/v1/tasks", Map.of("prompt", "Compare three vector databases.",
                "config", Map.of("max_agents", 1, "autonomy_level", 100)), null, Duration.ofSeconds(30));
        assertThat(created.status()).as("POST /v1/tasks: %s", created.body()).isEqualTo(201);
        String id = created.body().path("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        for (String url : gatewayUrls) {
            CrashApi api = new CrashApi(url, token);
            while (true) {
                CrashApi.Answer task = api.getPatiently("/v1/tasks/" + id, deadline);
                assertThat(task).as("task %s readable through %s", id, url).isNotNull();
                if ("complete".equals(task.body().path("status").asText())) {
                    break;
                }
                assertThat(Instant.now()).as("task %s complete through %s in time", id, url).isBefore(deadline);
                Thread.sleep(500);
            }
        }
        return id;
    }

    private static void summary(String line) {
        System.out.println(line);
        SUMMARY.add(line);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Reads the account's task count every {@link #OBSERVE_EVERY} and keeps the largest. */
    private static final class CountObserver {

        private final CrashApi api;
        private final AtomicLong max = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean();
        private Thread thread;

        CountObserver(CrashApi api) {
            this.api = api;
        }

        void start() {
            running.set(true);
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        long total = total(api, null);
                        max.accumulateAndGet(total, Math::max);
                        Thread.sleep(OBSERVE_EVERY.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // a failed read is no count; the next one comes soon
                    }
                }
            }, "cap-observer");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(5_000);
            }
        }

        long max() {
            return max.get();
        }
    }
}
