package com.miteos.e2e.scale;

import com.miteos.e2e.crash.Launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The changes of membership the scale test makes while the load runs, through {@code ./miteos}
 * (as an operator would), each at a fixed share of the load window:
 * <ol>
 *   <li>15 %: {@code ./miteos scale agent-orchestrator=N+1} (one more orchestrator: partitions move to it);</li>
 *   <li>35 %: {@code ./miteos stop agent-orchestrator-2} (SIGTERM: its partitions are revoked and drained);</li>
 *   <li>50 %: {@code ./miteos kill agent-orchestrator-3} (SIGKILL: its partitions move after the session timeout);</li>
 *   <li>65 %: {@code ./miteos up} (both come back: partitions move again).</li>
 * </ol>
 * A step starts when it is due, but never sooner than {@link #MIN_GAP} after the previous one
 * finished (starting an instance on a busy machine can take longer than the share of the window):
 * each change of membership gets its own rebalance.
 */
public final class ScaleChaos {

    /** At least this long between the end of one step and the start of the next (over three times the local 6 s session timeout). */
    static final Duration MIN_GAP = Duration.ofSeconds(20);

    /**
     * One step.
     *
     * @param command what {@code ./miteos} was given
     * @param at      when it started, from the start of the load
     * @param took    how long the launcher took
     * @param problem null on success, otherwise the launcher's complaint
     */
    public record Step(String command, Duration at, Duration took, String problem) {

        public boolean succeeded() {
            return problem == null;
        }

        @Override
        public String toString() {
            return "+" + at.toSeconds() + "s ./miteos " + command + " (" + took.toMillis() + " ms)"
                    + (problem == null ? "" : " FAILED: " + problem);
        }
    }

    private record Plan(double share, String[] arguments) {
    }

    private final Launcher launcher;
    private final Duration window;
    private final List<Plan> plan;
    private final List<Step> steps = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile Instant start;

    /** @param orchestrators how many orchestrators run at the start (at least 2) */
    public ScaleChaos(Launcher launcher, int orchestrators, Duration window) {
        this.launcher = launcher;
        this.window = window;
        this.plan = List.of(
                new Plan(0.15, new String[] {"scale", "agent-orchestrator=" + (orchestrators + 1)}),
                new Plan(0.35, new String[] {"stop", "agent-orchestrator-2"}),
                new Plan(0.50, new String[] {"kill", "agent-orchestrator-3"}),
                new Plan(0.65, new String[] {"up"}));
        this.thread = new Thread(this::run, "scale-chaos");
        this.thread.setDaemon(true);
    }

    public void start() {
        start = Instant.now();
        thread.start();
    }

    public boolean await(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    public void stop() {
        thread.interrupt();
    }

    public int planned() {
        return plan.size();
    }

    public List<Step> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    /** When the chaos began: its steps' {@code at} are counted from here. */
    public Instant startedAt() {
        return start;
    }

    /** When the SIGKILL step began, if it ran. */
    public java.util.Optional<Instant> killedAt() {
        return steps().stream().filter(step -> step.command().startsWith("kill "))
                .map(step -> start.plus(step.at())).findFirst();
    }

    public long succeeded() {
        return steps().stream().filter(Step::succeeded).count();
    }

    private void run() {
        try {
            Instant previousEnd = start;
            for (Plan next : plan) {
                Instant due = start.plus(Duration.ofMillis((long) (window.toMillis() * next.share())));
                if (due.isBefore(previousEnd.plus(MIN_GAP))) {
                    due = previousEnd.plus(MIN_GAP);
                }
                long wait = Duration.between(Instant.now(), due).toMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                Instant began = Instant.now();
                String problem = launcher.run(next.arguments());
                Step step = new Step(String.join(" ", next.arguments()), Duration.between(start, began),
                        Duration.between(began, Instant.now()), problem);
                steps.add(step);
                previousEnd = Instant.now();
                System.out.println("scale test: chaos " + step);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
