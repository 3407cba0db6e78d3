package com.miteos.e2e;

import com.miteos.e2e.crash.ComponentKiller;
import com.miteos.e2e.crash.CrashApi;
import com.miteos.e2e.crash.Launcher;
import com.miteos.e2e.crash.LoadGenerator;
import com.miteos.e2e.crash.StatusObserver;
import com.miteos.e2e.scale.ApprovalResponder;
import com.miteos.e2e.scale.CommandLatencies;
import com.miteos.e2e.scale.OwnershipRecords;
import com.miteos.e2e.scale.PauseProber;
import com.miteos.e2e.scale.ScaleChaos;
import com.miteos.e2e.scale.ScaleSettings;
import com.miteos.e2e.scale.ScaleVerdict;
import com.miteos.e2e.scale.WarmUpRound;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The scale test (issue 9, "scale-out"): several orchestrators share the tasks by partition, and
 * while instances join, leave gracefully and crash, no task is lost or stuck, no two instances
 * run one task at once, and no approval, pause or resume gets lost. Runs only with
 * {@code -Pit,scale} (see {@code reliability/scale-test.sh}), against a stack that
 * {@code ./miteos up --scale agent-orchestrator=N,api-gateway=G} started.
 *
 * <ol>
 *   <li><b>Warm-up.</b> A {@link WarmUpRound} of {@code scale.warm-up} tasks, until they all ended:
 *       the measured round starts on warm JVMs. Reported apart, out of the verdict.</li>
 *   <li><b>Load.</b> {@code scale.tasks} sandbox tasks ({@link ScaleSettings#shapes}: 1–3 agents,
 *       step delays, three autonomy levels) over {@code scale.window}, round-robin over the gateways.</li>
 *   <li><b>Humans.</b> An {@link ApprovalResponder} answers every approval the observer sees; a
 *       {@link PauseProber} pauses random running tasks and resumes them a few seconds later.</li>
 *   <li><b>Chaos.</b> {@link ScaleChaos}: one more orchestrator, SIGTERM of instance 2, SIGKILL of
 *       instance 3, both restarted.</li>
 *   <li><b>Settle</b> until every accepted task was seen terminal (at most {@code scale.settle}).</li>
 *   <li><b>Verdict</b> ({@link ScaleVerdict}): each task read once more; the orchestrator's
 *       {@code task_ownership} rows checked for overlapping epochs ({@link OwnershipRecords}). The
 *       summary line goes to {@code target/scale-test/summary.txt}.</li>
 * </ol>
 * The rebalance pause is measured only on tasks that never stood still on purpose (no approval,
 * never paused by the prober): otherwise a human's wait during a handover would count.
 */
class ScaleIT {

    private static final Duration OBSERVER_INTERVAL = Duration.ofMillis(500);
    private static final Duration LOAD_OVERRUN = Duration.ofMinutes(15);
    private static final Duration VERDICT_PATIENCE = Duration.ofMinutes(5);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    /** After a SIGKILL: the session timeout (6 s locally), the move and the catch-up of the partitions. */
    private static final Duration CRASH_WINDOW = Duration.ofSeconds(15);
    private static final Duration WARM_UP_PATIENCE = Duration.ofMinutes(5);
    private static final Path SUMMARY_FILE = Path.of("target", "scale-test", "summary.txt");

    private final List<String> report = new ArrayList<>();

    @Test
    void tasksSurviveOrchestratorsJoiningLeavingAndCrashingWithoutOverlapOrLostCommands() throws Exception {
        assumeFalse(Stack.COMPOSE, "the scale test scales the local stack that ./miteos started");
        ScaleSettings settings = ScaleSettings.fromSystemProperties(Stack.STATE);
        log("scale test: settings " + settings.describe());
        requireInstances(settings);

        String account = Stack.newAccount();
        List<String> gateways = Stack.gatewayUrls(settings.gateways());
        List<CrashApi> submitters = clients(account, gateways, 1);
        List<CrashApi> approvers = clients(account, gateways, 2);
        List<CrashApi> pausers = clients(account, gateways, 2);
        CrashApi watcher = new CrashApi(gateways.get(0), Stack.newKey(account, "test").getString("token"));
        String runId = "scale-" + Long.toHexString(settings.seed()) + "-" + System.currentTimeMillis();

        LoadGenerator load = new LoadGenerator(submitters, settings.shapes(SeedTaskIT.SEED_PROMPT), settings.tasks(),
                settings.submitters(), settings.window(), runId);
        ApprovalResponder approver = new ApprovalResponder(approvers);
        StatusObserver observer = new StatusObserver(watcher, OBSERVER_INTERVAL, load.acceptedIds());
        observer.onTask(approver::seen);
        PauseProber prober = new PauseProber(pausers, approver, settings.seed(), settings.pauseEvery(),
                settings.commandTimeout());
        ScaleChaos chaos = new ScaleChaos(new Launcher(settings.repositoryRoot()), settings.orchestrators(),
                settings.window());
        try {
            warmUp(settings, submitters, approvers, pausers, watcher, runId);
            Instant start = Instant.now();
            observer.start();
            load.start();
            prober.start();
            chaos.start();
            awaitLoadAndChaos(settings, load, chaos, observer, start);
            prober.stop();
            settle(settings, load, observer, start);
            observer.stop();

            approver.stop();
            ScaleVerdict verdict = judge(load, approver, watcher);
            OwnershipRecords.Analysis ownership = OwnershipRecords.analyse(OwnershipRecords.read(load.acceptedIds()));
            verdict.ownership(ownership.overlapping());
            Set<String> standingStillOnPurpose = prober.probed();
            Set<String> measured = load.accepted().values().stream()
                    .filter(task -> ScaleSettings.waitsForNobody(task.shape()))
                    .map(LoadGenerator.Accepted::taskId).filter(id -> !standingStillOnPurpose.contains(id))
                    .collect(Collectors.toSet());
            verdict.rebalancePauses(OwnershipRecords.gapsOf(ownership, measured));
            verdict.approvals(approver.requested(), approver.applied(), approver.unapplied());
            verdict.commandsLost(prober.lost(), approver.unapplied().size());
            verdict.pauseLatencies(prober.pauseLatenciesMs());

            List<String> failures = new ArrayList<>(verdict.failures());
            if (chaos.succeeded() < chaos.planned()) {
                failures.add("chaos incomplete: " + chaos.succeeded() + " of " + chaos.planned() + " steps succeeded");
            }
            if (load.accepted().isEmpty()) {
                failures.add("no task was accepted");
            }
            List<Long> allGapsMs = OwnershipRecords.gapsOf(ownership, ownership.gaps().keySet()).stream()
                    .map(Duration::toMillis).toList();
            log("scale test: ownership: tasks_with_epochs=" + ownership.tasks() + " handed_over=" + ownership.handedOver()
                    + " measured_for_rebalance_pause=" + measured.size() + "; gaps of every handed-over task (a"
                    + " human's wait during a handover included): n=" + allGapsMs.size() + " p50_ms="
                    + ScaleVerdict.percentile(allGapsMs, 50) + " p99_ms=" + ScaleVerdict.percentile(allGapsMs, 99)
                    + " max_ms=" + ScaleVerdict.percentile(allGapsMs, 100));
            CommandLatencies latencies = CommandLatencies.of(prober, chaos.killedAt(), CRASH_WINDOW, chaos.startedAt());
            failures.addAll(latencies.failures(settings.commandP99Limit()));
            writeReport(verdict, load, chaos, observer, approver, prober, latencies, settings);
            assertThat(failures).as(verdict.summaryLine()).isEmpty();
        } finally {
            load.stop();
            chaos.stop();
            prober.stop();
            observer.stop();
            approver.stop();
        }
    }

    private void warmUp(ScaleSettings settings, List<CrashApi> submitters, List<CrashApi> approvers,
            List<CrashApi> pausers, CrashApi watcher, String runId) throws InterruptedException {
        if (settings.warmUpTasks() == 0) {
            log("scale test: warm-up: none (scale.warm-up=0): the measured round starts on cold JVMs");
            return;
        }
        WarmUpRound.Outcome warm = new WarmUpRound(submitters, approvers, pausers, watcher, settings)
                .run(settings.shapes(SeedTaskIT.SEED_PROMPT), runId, WARM_UP_PATIENCE);
        log("scale test: warm-up: " + warm.describe());
        assertThat(warm.complete()).as("every warm-up task ends and none of its commands is lost: " + warm.describe())
                .isTrue();
    }

    /** The stack must run the orchestrators and gateways the settings name, under ./miteos. */
    private static void requireInstances(ScaleSettings settings) {
        for (int k = 1; k <= settings.orchestrators(); k++) {
            requireRunning(settings, instance("agent-orchestrator", k));
        }
        for (int k = 1; k <= settings.gateways(); k++) {
            requireRunning(settings, instance("api-gateway", k));
        }
    }

    private static void requireRunning(ScaleSettings settings, String name) {
        assertThat(ComponentKiller.launcherPid(settings.pidDirectory(), name))
                .as(name + " must be running under ./miteos: start the stack with ./miteos up --scale agent-orchestrator="
                        + settings.orchestrators() + ",api-gateway=" + settings.gateways())
                .isPresent();
    }

    private static String instance(String service, int k) {
        return k == 1 ? service : service + "-" + k;
    }

    /** {@code keys} new sandbox keys of the account, each through every gateway. */
    private static List<CrashApi> clients(String account, List<String> gateways, int keys) {
        List<CrashApi> clients = new ArrayList<>();
        for (int key = 0; key < keys; key++) {
            String token = Stack.newKey(account, "test").getString("token");
            gateways.forEach(url -> clients.add(new CrashApi(url, token)));
        }
        return clients;
    }

    private void awaitLoadAndChaos(ScaleSettings settings, LoadGenerator load, ScaleChaos chaos,
            StatusObserver observer, Instant start) throws InterruptedException {
        Instant loadDeadline = start.plus(settings.window()).plus(LOAD_OVERRUN);
        while (load.isRunning() || chaos.isRunning()) {
            if (load.isRunning()) {
                load.await(PROGRESS_EVERY);
            } else {
                chaos.await(PROGRESS_EVERY);
            }
            progress("load", start, load, observer, settings.tasks());
            if (load.isRunning() && Instant.now().isAfter(loadDeadline)) {
                log("scale test: submissions still under way " + LOAD_OVERRUN.toMinutes() + " min after the window: stopped");
                load.stop();
                load.await(Duration.ofSeconds(30));
            }
        }
    }

    private void settle(ScaleSettings settings, LoadGenerator load, StatusObserver observer, Instant start)
            throws InterruptedException {
        Instant settleStart = Instant.now();
        Instant deadline = settleStart.plus(settings.settle());
        Instant nextProgress = settleStart.plus(PROGRESS_EVERY);
        while (!observer.allTerminal(load.acceptedIds()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1_000);
            if (Instant.now().isAfter(nextProgress)) {
                progress("settle", start, load, observer, settings.tasks());
                nextProgress = nextProgress.plus(PROGRESS_EVERY);
            }
        }
        log("scale test: settle: " + observer.terminalCount(load.acceptedIds()) + " of " + load.accepted().size()
                + " accepted tasks seen terminal after " + Duration.between(settleStart, Instant.now()).toSeconds()
                + " s (at most " + settings.settle() + ")");
    }

    /** Reads every accepted task once more: lost, stuck or ended; the approver sees the final states too. */
    private static ScaleVerdict judge(LoadGenerator load, ApprovalResponder approver, CrashApi api)
            throws InterruptedException {
        ScaleVerdict verdict = new ScaleVerdict(load.accepted().size());
        Instant deadline = Instant.now().plus(VERDICT_PATIENCE);
        for (String id : load.acceptedIds().stream().sorted().toList()) {
            CrashApi.Answer task = api.getPatiently("/v1/tasks/" + id, deadline);
            if (task == null) {
                verdict.stuck(id, "unreadable: no answer within " + VERDICT_PATIENCE.toMinutes() + " min");
            } else if (task.status() == 404) {
                verdict.lost(id);
            } else if (task.status() != 200) {
                verdict.stuck(id, "unreadable: GET answered " + task.status() + " " + task.problem());
            } else {
                approver.seen(task.body());
                String status = task.body().path("status").asText();
                if (TaskStatus.parse(status).map(TaskStatus::isTerminal).orElse(false)) {
                    verdict.ended(id, status, task.body().path("error").path("code").asText(null));
                } else {
                    verdict.stuck(id, "is " + status + " " + task.body().path("status_detail"));
                }
            }
        }
        return verdict;
    }

    private void writeReport(ScaleVerdict verdict, LoadGenerator load, ScaleChaos chaos, StatusObserver observer,
            ApprovalResponder approver, PauseProber prober, CommandLatencies latencies, ScaleSettings settings)
            throws Exception {
        List<String> lines = new ArrayList<>();
        int givenUp = load.givenUp().values().stream().mapToInt(Integer::intValue).sum();
        lines.add("scale test: load: submitted=" + settings.tasks() + " accepted=" + load.accepted().size()
                + " not_accepted=" + givenUp + (givenUp == 0 ? "" : " " + load.givenUp())
                + " retries=" + load.retries() + " waited_out_429=" + load.limited());
        lines.add("scale test: chaos: steps=" + chaos.succeeded() + "/" + chaos.planned());
        chaos.steps().forEach(step -> lines.add("scale test:   " + step));
        lines.add("scale test: approvals: resumes_sent=" + approver.resumesSent() + " resends=" + approver.resends());
        lines.add("scale test: pauses: " + prober.describe() + " resume_latency_p50_ms="
                + ScaleVerdict.percentile(prober.resumeLatenciesMs(), 50) + " resume_latency_p99_ms="
                + ScaleVerdict.percentile(prober.resumeLatenciesMs(), 99));
        lines.addAll(latencies.lines());
        lines.add("scale test: observer: rounds=" + observer.rounds() + " failed_reads=" + observer.failedReads());
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

    private void progress(String phase, Instant start, LoadGenerator load, StatusObserver observer, int tasks) {
        System.out.println("scale test: " + phase + " +" + Duration.between(start, Instant.now()).toSeconds() + "s"
                + " submitted=" + load.finished() + "/" + tasks + " accepted=" + load.accepted().size()
                + " seen_terminal=" + observer.terminalCount(load.acceptedIds()));
    }

    private void log(String line) {
        System.out.println(line);
        report.add(line);
    }
}
