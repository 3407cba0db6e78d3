package com.miteos.e2e;

import com.miteos.e2e.crash.ComponentKiller;
import com.miteos.e2e.crash.CrashApi;
import com.miteos.e2e.crash.CrashSettings;
import com.miteos.e2e.crash.CrashVerdict;
import com.miteos.e2e.crash.Launcher;
import com.miteos.e2e.crash.LoadGenerator;
import com.miteos.e2e.crash.PostgresServer;
import com.miteos.e2e.crash.StatusObserver;
import com.miteos.e2e.crash.TaskOutcome;
import com.miteos.e2e.crash.TaskShape;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The crash test (issue 4, "Durability"): once {@code POST /v1/tasks} has answered 201, the task
 * is never lost, never stuck, and runs exactly once, even while the platform's processes are
 * killed under it. Runs only with {@code -Pit,crash} (see {@code reliability/crash-test.sh}),
 * against the stack {@code ./miteos up} started, whose components it kills and restarts.
 *
 * <ol>
 *   <li><b>Reference.</b> Before any kill, every {@link TaskShape} runs twice, crash-free. Both
 *       runs must end alike (sandbox runs are deterministic, or the comparison would mean
 *       nothing); their files and cost are what every task of that shape must end with.</li>
 *   <li><b>Load.</b> {@code crash.tasks} sandbox tasks are submitted from a few threads over
 *       {@code crash.window} by a {@link LoadGenerator}; only acknowledged ones (201) count.</li>
 *   <li><b>Chaos.</b> Meanwhile a {@link ComponentKiller} kills each of {@code crash.components}
 *       {@code crash.kills} times with SIGKILL (SIGTERM with {@code -Dcrash.signal=TERM}) and
 *       restarts it with {@code ./miteos up}; PostgreSQL is restarted with
 *       {@code ./miteos restart postgres}.</li>
 *   <li><b>Observer.</b> A {@link StatusObserver} polls the task list every 500 ms and keeps each
 *       task's sequence of statuses; any move backwards is a violation.</li>
 *   <li><b>Settle.</b> After the chaos, up to {@code crash.settle} for every accepted task to be
 *       terminal.</li>
 *   <li><b>Verdict.</b> Each accepted task is lost (404), stuck, or terminal; a terminal one must
 *       be complete with exactly its reference's files (more files are duplicates) and cost. The
 *       summary line {@code crash test: accepted=… terminal=… lost=… stuck=… duplicate_files=…
 *       cost_mismatches=… backwards=…} is printed and written to
 *       {@code target/crash-test/summary.txt}, then every counter must be zero.</li>
 * </ol>
 *
 * <p>The test works in a fresh account with two sandbox keys (one submits, one observes, each
 * with its own rate limit): the active-task cap and the task list are per account, so tasks an
 * earlier crash run left unfinished neither block this run nor the demo account of the other
 * end-to-end tests. Only 127.0.0.1 is ever contacted.
 */
class CrashIT {

    private static final Duration OBSERVER_INTERVAL = Duration.ofMillis(500);
    private static final Duration REFERENCE_TIMEOUT = Duration.ofMinutes(3);
    /** Longest wait for the submissions still under way once the window is over. */
    private static final Duration LOAD_OVERRUN = Duration.ofMinutes(15);
    /** All reads of the verdict together: a stack that does not answer for this long is a finding. */
    private static final Duration VERDICT_PATIENCE = Duration.ofMinutes(5);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    private static final Path SUMMARY_FILE = Path.of("target", "crash-test", "summary.txt");

    private final List<String> report = new ArrayList<>();

    @Test
    void everyAcceptedTaskEndsLikeACrashFreeRunWhileComponentsAreKilled() throws Exception {
        assumeFalse(Stack.COMPOSE, "the crash test kills processes of the local stack that ./miteos started");
        CrashSettings settings = CrashSettings.fromSystemProperties(Stack.STATE);
        log("crash test: settings " + settings.describe());
        requireLauncherComponents(settings);

        String baseUrl = Stack.BASE_URL.replace("://localhost:", "://127.0.0.1:");
        String account = Stack.newAccount();
        CrashApi submitter = new CrashApi(baseUrl, Stack.newKey(account, "test").getString("token"));
        CrashApi watcher = new CrashApi(baseUrl, Stack.newKey(account, "test").getString("token"));
        String runId = "crash-" + Long.toHexString(settings.seed()) + "-" + System.currentTimeMillis();
        List<TaskShape> shapes = TaskShape.standard(SeedTaskIT.SEED_PROMPT);
        Map<TaskShape, TaskOutcome> references = referenceRuns(submitter, shapes, runId);

        LoadGenerator load = new LoadGenerator(submitter, shapes, settings.tasks(), settings.submitters(),
                settings.loadWindow(), runId);
        StatusObserver observer = new StatusObserver(watcher, OBSERVER_INTERVAL, load.acceptedIds());
        ComponentKiller killer = new ComponentKiller(new Launcher(settings.repositoryRoot()), settings.pidDirectory(),
                settings.components(), settings.killsPerComponent(), new Random(settings.seed()), settings.graceful());
        try {
            Instant start = Instant.now();
            observer.start();
            load.start();
            killer.start();
            awaitLoadAndChaos(settings, load, killer, observer, start);
            settle(settings, load, observer, start);
            observer.stop();

            CrashVerdict verdict = judge(load, observer, references, watcher);
            List<String> failures = new ArrayList<>(verdict.failures());
            if (killer.succeeded() < killer.planned()) {
                failures.add("chaos incomplete: " + killer.succeeded() + " of " + killer.planned()
                        + " kills and restarts succeeded; failed: " + killer.kills().stream()
                                .filter(kill -> !kill.succeeded()).map(Object::toString).toList());
            }
            if (load.accepted().isEmpty()) {
                failures.add("no task was accepted");
            }
            writeReport(verdict, load, killer, observer, settings);
            assertThat(failures).as(verdict.summaryLine()).isEmpty();
        } finally {
            load.stop();
            killer.stop();
            observer.stop();
        }
    }

    /**
     * Every component to kill must be running under the launcher now, or the chaos would be a
     * no-op; PostgreSQL, which is restarted whoever runs it, must answer.
     */
    private static void requireLauncherComponents(CrashSettings settings) throws InterruptedException {
        for (String component : settings.components()) {
            if (component.equals("postgres")) {
                assertThat(PostgresServer.startTime()).as("PostgreSQL must answer at MITEOS_DB_HOST:MITEOS_DB_PORT")
                        .isPresent();
                continue;
            }
            assertThat(ComponentKiller.launcherPid(settings.pidDirectory(), component))
                    .as(component + " must be running under ./miteos (" + settings.pidDirectory().resolve(component
                            + ".pid") + "): start the stack with ./miteos up")
                    .isPresent();
        }
    }

    /** Two crash-free runs of each shape, which must agree; answers the outcome of each shape. */
    private Map<TaskShape, TaskOutcome> referenceRuns(CrashApi api, List<TaskShape> shapes, String runId)
            throws Exception {
        Instant start = Instant.now();
        Map<String, TaskShape> runs = new LinkedHashMap<>();
        for (TaskShape shape : shapes) {
            for (int copy = 1; copy <= 2; copy++) {
                CrashApi.Answer created = api.post("/v1/tasks", shape.requestBody(),
                        runId + "-reference-" + shape.name() + "-" + copy, LoadGenerator.POST_TIMEOUT);
                assertThat(created.status()).as("reference task " + shape + ": " + created.body()).isEqualTo(201);
                runs.put(created.body().path("id").asText(), shape);
            }
        }
        Instant deadline = start.plus(REFERENCE_TIMEOUT);
        Map<TaskShape, TaskOutcome> references = new LinkedHashMap<>();
        for (Map.Entry<String, TaskShape> run : runs.entrySet()) {
            TaskShape shape = run.getValue();
            TaskOutcome outcome = awaitOutcome(api, run.getKey(), deadline);
            assertThat(outcome.isComplete() && !outcome.fileNames().isEmpty() && outcome.cost().signum() > 0)
                    .as("crash-free reference run %s of %s must complete with files and a cost: %s", run.getKey(),
                            shape, outcome)
                    .isTrue();
            TaskOutcome first = references.putIfAbsent(shape, outcome);
            assertThat(first == null || first.matches(outcome))
                    .as("two crash-free runs of %s ended differently (%s / %s): sandbox runs are not"
                            + " deterministic, so the crash test cannot compare with them", shape, first, outcome)
                    .isTrue();
        }
        references.forEach((shape, outcome) -> log("crash test: reference " + shape + ": " + outcome));
        log("crash test: references took " + Duration.between(start, Instant.now()).toSeconds() + " s");
        return references;
    }

    private static TaskOutcome awaitOutcome(CrashApi api, String taskId, Instant deadline) throws Exception {
        while (Instant.now().isBefore(deadline)) {
            CrashApi.Answer task = api.getPatiently("/v1/tasks/" + taskId, deadline);
            if (task != null && task.status() == 200 && isTerminal(task.body().path("status").asText())) {
                TaskOutcome outcome = TaskOutcome.read(api, taskId, task.body(), deadline);
                if (outcome != null) {
                    return outcome;
                }
            }
            Thread.sleep(1_000);
        }
        return fail("reference task %s did not finish within %s", taskId, REFERENCE_TIMEOUT);
    }

    /** Waits for the submissions and the chaos to end, printing progress meanwhile. */
    private void awaitLoadAndChaos(CrashSettings settings, LoadGenerator load, ComponentKiller killer,
            StatusObserver observer, Instant start) throws InterruptedException {
        Instant loadDeadline = start.plus(settings.loadWindow()).plus(LOAD_OVERRUN);
        while (load.isRunning() || killer.isRunning()) {
            if (load.isRunning()) {
                load.await(PROGRESS_EVERY);
            } else {
                killer.await(PROGRESS_EVERY);
            }
            progress("chaos", start, load, killer, observer, settings.tasks());
            if (load.isRunning() && Instant.now().isAfter(loadDeadline)) {
                log("crash test: submissions still under way " + LOAD_OVERRUN.toMinutes()
                        + " min after the window: stopped");
                load.stop();
                load.await(Duration.ofSeconds(30));
            }
        }
    }

    /** Waits until every accepted task was seen terminal, or the settle time is over. */
    private void settle(CrashSettings settings, LoadGenerator load, StatusObserver observer, Instant start)
            throws InterruptedException {
        Instant settleStart = Instant.now();
        Instant deadline = settleStart.plus(settings.settle());
        Instant nextProgress = settleStart.plus(PROGRESS_EVERY);
        while (!observer.allTerminal(load.acceptedIds()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1_000);
            if (Instant.now().isAfter(nextProgress)) {
                progress("settle", start, load, null, observer, settings.tasks());
                nextProgress = nextProgress.plus(PROGRESS_EVERY);
            }
        }
        long terminal = observer.terminalCount(load.acceptedIds());
        log("crash test: settle: " + terminal + " of " + load.accepted().size() + " accepted tasks seen terminal after "
                + Duration.between(settleStart, Instant.now()).toSeconds() + " s (at most " + settings.settle() + ")");
    }

    /** Reads every accepted task one last time (and its files when it is complete) and classifies it. */
    private static CrashVerdict judge(LoadGenerator load, StatusObserver observer,
            Map<TaskShape, TaskOutcome> references, CrashApi api) throws InterruptedException {
        CrashVerdict verdict = new CrashVerdict(load.accepted().size());
        Instant deadline = Instant.now().plus(VERDICT_PATIENCE);
        List<LoadGenerator.Accepted> tasks = load.accepted().values().stream()
                .sorted(Comparator.comparing(LoadGenerator.Accepted::taskId)).toList();
        for (LoadGenerator.Accepted accepted : tasks) {
            String id = accepted.taskId();
            CrashApi.Answer task = api.getPatiently("/v1/tasks/" + id, deadline);
            if (task == null) {
                verdict.unreadable(id, "no answer within the verdict's " + VERDICT_PATIENCE.toMinutes() + " min");
            } else if (task.status() == 404) {
                verdict.lost(id);
            } else if (task.status() != 200) {
                verdict.unreadable(id, "GET answered " + task.status() + " " + task.problem());
            } else {
                String status = task.body().path("status").asText();
                observer.observe(id, status);
                if (!isTerminal(status)) {
                    verdict.stuck(id, status, observer.history(id));
                } else {
                    TaskOutcome outcome = TaskOutcome.read(api, id, task.body(), deadline);
                    if (outcome == null) {
                        verdict.unreadable(id, "its deliverables could not be listed");
                    } else {
                        verdict.ended(id, outcome, references.get(accepted.shape()));
                    }
                }
            }
            verdict.observed(id, observer.history(id));
        }
        return verdict;
    }

    private void writeReport(CrashVerdict verdict, LoadGenerator load, ComponentKiller killer,
            StatusObserver observer, CrashSettings settings) throws IOException {
        List<String> lines = new ArrayList<>();
        int givenUp = load.givenUp().values().stream().mapToInt(Integer::intValue).sum();
        lines.add("crash test: load: submitted=" + settings.tasks() + " accepted=" + load.accepted().size()
                + " (replayed=" + load.replayed() + ") not_accepted=" + givenUp
                + (givenUp == 0 ? "" : " " + load.givenUp())
                + " unfinished=" + (settings.tasks() - load.finished())
                + " retries=" + load.retries() + " waited_out_429=" + load.limited());
        lines.add("crash test: chaos: kills=" + killer.succeeded() + "/" + killer.planned() + " seed=" + settings.seed());
        killer.kills().forEach(kill -> lines.add("crash test:   " + kill));
        lines.add("crash test: observer: rounds=" + observer.rounds() + " failed_reads=" + observer.failedReads());
        lines.addAll(verdict.diagnostics());
        lines.forEach(System.out::println);
        System.out.println(verdict.summaryLine());

        List<String> file = new ArrayList<>();
        file.add(verdict.summaryLine());
        file.addAll(report);
        file.addAll(lines);
        Files.createDirectories(SUMMARY_FILE.getParent());
        Files.write(SUMMARY_FILE, file);
    }

    private void progress(String phase, Instant start, LoadGenerator load, ComponentKiller killer,
            StatusObserver observer, int tasks) {
        System.out.println("crash test: " + phase + " +" + Duration.between(start, Instant.now()).toSeconds() + "s"
                + " submitted=" + load.finished() + "/" + tasks + " accepted=" + load.accepted().size()
                + (killer == null ? "" : " kills=" + killer.kills().size() + "/" + killer.planned())
                + " seen_terminal=" + observer.terminalCount(load.acceptedIds()));
    }

    /** Printed now and kept for the summary file (which starts with the summary line). */
    private void log(String line) {
        System.out.println(line);
        report.add(line);
    }

    private static boolean isTerminal(String status) {
        return TaskStatus.parse(status).map(TaskStatus::isTerminal).orElse(false);
    }
}
