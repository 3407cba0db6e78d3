package com.miteos.e2e.scale;

import com.miteos.e2e.crash.CrashApi;
import com.miteos.e2e.crash.LoadGenerator;
import com.miteos.e2e.crash.StatusObserver;
import com.miteos.e2e.crash.TaskShape;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A short round of the scale test's own traffic before the measured one: tasks of every shape
 * through every gateway, their approvals answered, some of them paused and resumed, until all
 * have ended. It exists because a stack the test just started is eight cold JVMs on the same
 * cores: its first minute measures just-in-time compilation, and the read model's lag then
 * (seconds, before any member joined or left) is not what a rebalance costs. The instances the
 * chaos adds or restarts later start cold; the round does not help them.
 *
 * <p>The round's tasks are not in the verdict, but a task of it that does not end, or a pause
 * or resume of it that gets lost, fails the test as it would in the measured round.
 */
public final class WarmUpRound {

    private static final Duration OBSERVER_INTERVAL = Duration.ofMillis(500);
    private static final Duration SUBMIT_WINDOW_PER_TASK = Duration.ofMillis(300);
    private static final Duration PAUSE_EVERY = Duration.ofMillis(500);

    /** What the round did: how many tasks, whether every one ended, how long it took, its pauses. */
    public record Outcome(int tasks, long terminal, Duration took, List<Long> pauseLatenciesMs, int commandsLost) {

        public boolean complete() {
            return terminal == tasks && commandsLost == 0;
        }

        public String describe() {
            List<Long> sorted = pauseLatenciesMs.stream().sorted().toList();
            return "tasks=" + tasks + " terminal=" + terminal + " took_s=" + took.toSeconds() + " pauses=" + sorted.size()
                    + " pause_latency_p50_ms=" + ScaleVerdict.percentile(sorted, 50) + " pause_latency_p99_ms="
                    + ScaleVerdict.percentile(sorted, 99) + " commands_lost=" + commandsLost;
        }
    }

    private final List<CrashApi> submitters;
    private final List<CrashApi> approvers;
    private final List<CrashApi> pausers;
    private final CrashApi watcher;
    private final ScaleSettings settings;

    public WarmUpRound(List<CrashApi> submitters, List<CrashApi> approvers, List<CrashApi> pausers, CrashApi watcher,
            ScaleSettings settings) {
        this.submitters = submitters;
        this.approvers = approvers;
        this.pausers = pausers;
        this.watcher = watcher;
        this.settings = settings;
    }

    /** Runs the round: {@code settings.warmUpTasks()} tasks, waited for at most {@code patience}. */
    public Outcome run(List<TaskShape> shapes, String runId, Duration patience) throws InterruptedException {
        int tasks = settings.warmUpTasks();
        Instant start = Instant.now();
        LoadGenerator load = new LoadGenerator(submitters, shapes, tasks, settings.submitters(),
                SUBMIT_WINDOW_PER_TASK.multipliedBy(tasks), runId + "-warm-up");
        ApprovalResponder approver = new ApprovalResponder(approvers);
        StatusObserver observer = new StatusObserver(watcher, OBSERVER_INTERVAL, load.acceptedIds());
        observer.onTask(approver::seen);
        PauseProber prober = new PauseProber(pausers, approver, settings.seed(), PAUSE_EVERY,
                settings.commandTimeout());
        Instant deadline = start.plus(patience);
        try {
            observer.start();
            load.start();
            prober.start();
            load.await(patience);
            prober.stop();
            while (!observer.allTerminal(load.acceptedIds()) && Instant.now().isBefore(deadline)) {
                Thread.sleep(1_000);
            }
            return new Outcome(tasks, observer.terminalCount(load.acceptedIds()), Duration.between(start, Instant.now()),
                    prober.pauseLatenciesMs(), prober.lost().size() + approver.unapplied().size());
        } finally {
            load.stop();
            prober.stop();
            observer.stop();
            approver.stop();
        }
    }
}
