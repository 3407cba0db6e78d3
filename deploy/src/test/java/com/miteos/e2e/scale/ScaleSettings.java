package com.miteos.e2e.scale;

import com.miteos.e2e.crash.TaskShape;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static com.miteos.e2e.crash.RunProperties.duration;
import static com.miteos.e2e.crash.RunProperties.integer;

/**
 * The scale test's parameters, from system properties ({@code -Dscale.*} on Maven's command line),
 * each with the default of the full run (issue 9):
 *
 * <table>
 *   <caption>parameters</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code scale.tasks}</td><td>600</td><td>sandbox tasks to submit</td></tr>
 *   <tr><td>{@code scale.orchestrators}</td><td>3</td><td>orchestrator instances running at the start (at least 2)</td></tr>
 *   <tr><td>{@code scale.gateways}</td><td>2</td><td>gateway instances the tasks are spread over</td></tr>
 *   <tr><td>{@code scale.step-delay-ms}</td><td>300-800</td><td>range of {@code config.sandbox.step_delay_ms}</td></tr>
 *   <tr><td>{@code scale.window}</td><td>0.6 s per task, at least 60 s</td><td>time the submissions and the chaos are spread over</td></tr>
 *   <tr><td>{@code scale.settle}</td><td>PT10M</td><td>longest wait, after the window, for terminal states</td></tr>
 *   <tr><td>{@code scale.pause-every}</td><td>PT2S</td><td>mean time between two pauses of random running tasks</td></tr>
 *   <tr><td>{@code scale.command-timeout}</td><td>PT60S</td><td>a pause or resume not visible by then is lost</td></tr>
 *   <tr><td>{@code scale.submitters}</td><td>4</td><td>submitting threads</td></tr>
 *   <tr><td>{@code scale.warm-up}</td><td>a tenth of {@code scale.tasks}</td><td>tasks of the warm-up round
 *       before the measured one ({@link WarmUpRound}); 0: none</td></tr>
 *   <tr><td>{@code scale.command-p99-limit}</td><td>PT1S</td><td>p99 of the time until the owner applied a
 *       pause and a resume, apart from the kill -9, above which the run fails ({@link CommandLatencies});
 *       PT0S: reported, not judged</td></tr>
 *   <tr><td>{@code scale.seed}</td><td>random</td><td>seed of the pauses</td></tr>
 *   <tr><td>{@code scale.root}</td><td>{@code ..}</td><td>the repository root, where {@code ./miteos} is</td></tr>
 * </table>
 */
public record ScaleSettings(int tasks, int orchestrators, int gateways, int stepDelayMin, int stepDelayMax,
        Duration window, Duration settle, Duration pauseEvery, Duration commandTimeout, int submitters,
        int warmUpTasks, Duration commandP99Limit, long seed, Path repositoryRoot, Path pidDirectory) {

    /** Below 30 the plan waits for approval (AutonomyPolicy). */
    static final int PLAN_APPROVAL_AUTONOMY = 10;
    /** Below 70 a deploy waits for approval; the local stack refuses S3 deploys, which does not fail the task. */
    static final int DEPLOY_APPROVAL_AUTONOMY = 50;
    static final int FREE_AUTONOMY = 90;
    static final String DEPLOY_TARGET = "s3://miteos-scale-test/deploy";
    private static final Duration WINDOW_PER_TASK = Duration.ofMillis(600);
    private static final Duration MIN_WINDOW = Duration.ofSeconds(60);

    public ScaleSettings {
        if (tasks < 1 || orchestrators < 2 || gateways < 1 || submitters < 1 || warmUpTasks < 0
                || commandP99Limit.isNegative()) {
            throw new IllegalArgumentException("scale.tasks, scale.gateways and scale.submitters must be at least 1,"
                    + " scale.orchestrators at least 2 (the chaos stops instance 2 and kills instance 3),"
                    + " scale.warm-up and scale.command-p99-limit at least 0");
        }
        if (stepDelayMin < 0 || stepDelayMax < stepDelayMin || stepDelayMax > 10_000) {
            throw new IllegalArgumentException("scale.step-delay-ms: min-max within 0-10000");
        }
    }

    public static ScaleSettings fromSystemProperties(Path stateDirectory) {
        int tasks = integer("scale.tasks", 600);
        String[] delays = System.getProperty("scale.step-delay-ms", "300-800").trim().split("-");
        int min = Integer.parseInt(delays[0].trim());
        int max = delays.length > 1 ? Integer.parseInt(delays[1].trim()) : min;
        Duration defaultWindow = WINDOW_PER_TASK.multipliedBy(tasks);
        return new ScaleSettings(tasks, integer("scale.orchestrators", 3), integer("scale.gateways", 2), min, max,
                duration("scale.window", defaultWindow.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : defaultWindow),
                duration("scale.settle", Duration.ofMinutes(10)), duration("scale.pause-every", Duration.ofSeconds(2)),
                duration("scale.command-timeout", Duration.ofSeconds(60)), integer("scale.submitters", 4),
                integer("scale.warm-up", tasks / 10), duration("scale.command-p99-limit", Duration.ofSeconds(1)),
                Long.getLong("scale.seed", ThreadLocalRandom.current().nextLong()),
                Path.of(System.getProperty("scale.root", "..")), stateDirectory.resolve("pids"));
    }

    /**
     * Nine shapes: one to three agents, each at three autonomy levels (the plan waits for approval;
     * the deploy waits for approval; nothing waits), with step delays spread over the range.
     */
    public List<TaskShape> shapes(String prompt) {
        List<TaskShape> shapes = new ArrayList<>();
        int[] autonomy = {PLAN_APPROVAL_AUTONOMY, DEPLOY_APPROVAL_AUTONOMY, FREE_AUTONOMY};
        String[] names = {"plan-approval", "deploy-approval", "free"};
        for (int i = 0; i < 9; i++) {
            int agents = 1 + i % 3;
            int level = autonomy[i / 3];
            int delay = stepDelayMin + (stepDelayMax - stepDelayMin) * ((i * 5) % 9) / 8;
            shapes.add(new TaskShape(names[i / 3] + "-" + agents, prompt, agents, delay, level,
                    level == DEPLOY_APPROVAL_AUTONOMY ? DEPLOY_TARGET : null));
        }
        return shapes;
    }

    /** Whether tasks of this shape never wait for a human approval. */
    public static boolean waitsForNobody(TaskShape shape) {
        return shape.autonomyLevel() >= 70 || (shape.autonomyLevel() >= 30 && shape.deployTarget() == null);
    }

    public String describe() {
        return "tasks=" + tasks + " orchestrators=" + orchestrators + " gateways=" + gateways + " step_delay_ms="
                + stepDelayMin + "-" + stepDelayMax + " window=" + window + " settle=" + settle + " pause_every="
                + pauseEvery + " command_timeout=" + commandTimeout + " submitters=" + submitters + " warm_up=" + warmUpTasks
                + " command_p99_limit=" + commandP99Limit + " seed=" + seed;
    }
}
