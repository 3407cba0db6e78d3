package com.miteos.e2e.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The crash test's chaos: kills components of the local stack with SIGKILL (or stops them with
 * SIGTERM), one at a time at random moments, and restarts them through the launcher, like a
 * supervisor would.
 *
 * <p>Each round takes every component once, in a random order. For each: wait 2–8 s; read
 * {@code .miteos/pids/<component>.pid}; check that {@code /proc/<pid>/cmdline} carries
 * {@code -Dlaunched.by.miteos=<component>} (a pid that is not the launcher's component is never
 * signalled); send the signal ({@link ProcessHandle#destroyForcibly()} also checks the process's
 * start time, so a recycled pid is safe); wait until the process is gone; then run
 * {@code ./miteos up}, which restarts whatever is not running and healthy, and wait for it.
 *
 * <p>{@code postgres} is restarted rather than signalled, whichever server the stack uses: {@code
 * ./miteos restart postgres} stops and starts the embedded server, or restarts the machine's own
 * cluster with {@code pg_ctlcluster}. The server's start time ({@code pg_postmaster_start_time()})
 * must have changed, or the fault did not happen.
 *
 * <p>No other component may have been restarted meanwhile: the launcher restarts whatever it
 * finds dead, so a service that died of the fault would otherwise go unnoticed. A failed restart
 * is tried once more. After any failure the remaining kills are skipped and reported as failed:
 * killing a stack in an unknown state would measure nothing.
 */
public final class ComponentKiller {

    static final String MARKER = "-Dlaunched.by.miteos=";
    /** Restarted through the launcher instead of signalled (see the class comment). */
    static final String POSTGRES = "postgres";
    private static final int MIN_PAUSE_MS = 2_000;
    private static final int MAX_PAUSE_MS = 8_000;
    /** Long enough for a graceful shutdown (MITEOS_SHUTDOWN_TIMEOUT, 20 s) to finish. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(40);
    private static final Duration PAUSE_BEFORE_SECOND_RESTART = Duration.ofSeconds(5);

    /**
     * One planned kill and what became of it.
     *
     * @param round       1-based round
     * @param component   the component
     * @param target      what was signalled or restarted, e.g. {@code pid 1234}; empty if nothing was
     * @param at          when the fault started, from the start of the chaos
     * @param restartTook how long the restart took (successful or not)
     * @param problem     null when the kill and the restart worked; otherwise what went wrong
     */
    public record Kill(int round, String component, String target, Duration at, Duration restartTook,
            String problem) {

        public boolean succeeded() {
            return problem == null;
        }

        @Override
        public String toString() {
            return "round " + round + " " + component + (target.isEmpty() ? "" : " (" + target + ")") + " at +"
                    + at.toSeconds() + "s, " + (problem == null ? "restarted in " + seconds(restartTook)
                    : "FAILED: " + problem);
        }
    }

    private final Launcher launcher;
    private final Path pidDirectory;
    private final List<String> components;
    private final int rounds;
    private final Random random;
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final boolean graceful;
    private final Thread thread;
    private volatile Instant start;

    /**
     * @param launcher       runs {@code ./miteos}
     * @param pidDirectory   {@code .miteos/pids}
     * @param components     the components to kill, each once per round
     * @param rounds         how many times each component is killed
     * @param random         decides the order and the pauses (seeded, so a run can be repeated)
     * @param graceful       send SIGTERM (a graceful shutdown) instead of SIGKILL
     */
    public ComponentKiller(Launcher launcher, Path pidDirectory, List<String> components, int rounds,
            Random random, boolean graceful) {
        this.graceful = graceful;
        this.launcher = launcher;
        this.pidDirectory = pidDirectory;
        this.components = List.copyOf(components);
        this.rounds = rounds;
        this.random = random;
        this.thread = new Thread(this::run, "crash-killer");
        this.thread.setDaemon(true);
    }

    /**
     * The pid of a component the launcher started and that is still running: the pid in its pid
     * file, if that process carries the launcher's marker for this component.
     */
    public static Optional<Long> launcherPid(Path pidDirectory, String component) {
        try {
            long pid = Long.parseLong(Files.readString(pidDirectory.resolve(component + ".pid")).trim());
            return carriesMarker(pid, component) ? Optional.of(pid) : Optional.empty();
        } catch (NoSuchFileException | NumberFormatException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the pid file of " + component, e);
        }
    }

    public void start() {
        start = Instant.now();
        thread.start();
    }

    /** Waits for the chaos to end; false if it is still going after {@code timeout}. */
    public boolean await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    public void stop() {
        thread.interrupt();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    public int planned() {
        return rounds * components.size();
    }

    /** Every kill done or skipped so far, in order. */
    public List<Kill> kills() {
        return List.copyOf(kills);
    }

    public long succeeded() {
        return kills.stream().filter(Kill::succeeded).count();
    }

    private void run() {
        try {
            String abandoned = null;
            for (int round = 1; round <= rounds; round++) {
                List<String> order = new ArrayList<>(components);
                Collections.shuffle(order, random);
                for (String component : order) {
                    if (abandoned != null) {
                        kills.add(new Kill(round, component, "", since(start), Duration.ZERO, abandoned));
                        continue;
                    }
                    Thread.sleep(MIN_PAUSE_MS + random.nextInt(MAX_PAUSE_MS - MIN_PAUSE_MS + 1));
                    Kill kill = killAndRestart(round, component);
                    kills.add(kill);
                    System.out.println("crash test: kill " + kills.size() + "/" + planned() + ": " + kill);
                    if (!kill.succeeded()) {
                        abandoned = "skipped after the failure of round " + round + " " + component;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            kills.add(new Kill(0, "?", "", since(start), Duration.ZERO, "harness error: " + e));
        }
    }

    private Kill killAndRestart(int round, String component) throws InterruptedException {
        if (component.equals(POSTGRES)) {
            return restartPostgres(round);
        }
        Optional<Long> pid = launcherPid(pidDirectory, component);
        Duration at = since(start);
        if (pid.isEmpty()) {
            return new Kill(round, component, "", at, Duration.ZERO,
                    "not running under ./miteos (no pid file, or its pid lacks " + MARKER + component + ")");
        }
        String target = "pid " + pid.get();
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get());
        if (process.isEmpty() || !carriesMarker(pid.get(), component)) {
            return new Kill(round, component, target, at, Duration.ZERO, "exited before the kill");
        }
        Map<String, Optional<Long>> others = otherPids(component);
        String signal = graceful ? "SIGTERM" : "SIGKILL";
        boolean signalled = graceful ? process.get().destroy() : process.get().destroyForcibly();
        if (!signalled) {
            return new Kill(round, component, target, at, Duration.ZERO, signal + " was refused");
        }
        try {
            process.get().onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            if (carriesMarker(pid.get(), component)) {
                return new Kill(round, component, target, at, Duration.ZERO,
                        "still alive " + EXIT_WAIT.toSeconds() + " s after " + signal);
            }
        }
        Instant restartStart = Instant.now();
        String problem = upTwice(component);
        return new Kill(round, component, target, at, since(restartStart),
                problem != null ? problem : collateral(others));
    }

    /** {@code ./miteos restart postgres}, then {@code ./miteos up} until the whole stack is healthy again. */
    private Kill restartPostgres(int round) throws InterruptedException {
        Duration at = since(start);
        Map<String, Optional<Long>> others = otherPids(POSTGRES);
        Optional<Instant> before = PostgresServer.startTime();
        if (before.isEmpty()) {
            return new Kill(round, POSTGRES, "", at, Duration.ZERO, "not reachable before the restart");
        }
        Instant restartStart = Instant.now();
        String problem = launcher.run("restart", POSTGRES);
        if (problem == null) {
            problem = upTwice(POSTGRES);
        }
        Optional<Instant> after = PostgresServer.startTime();
        String target = "server started " + before.get() + " -> " + after.map(Instant::toString).orElse("?");
        if (problem == null && (after.isEmpty() || !after.get().isAfter(before.get()))) {
            problem = "the server's start time did not move on: PostgreSQL was not restarted";
        }
        return new Kill(round, POSTGRES, target, at, since(restartStart),
                problem != null ? problem : collateral(others));
    }

    /** Runs {@code ./miteos up}, once more after a pause if it fails; answers null on success. */
    private String upTwice(String component) throws InterruptedException {
        String problem = launcher.run("up");
        if (problem == null) {
            return null;
        }
        System.out.println("crash test: restarting after the fault of " + component + " failed, trying once more: "
                + problem);
        Thread.sleep(PAUSE_BEFORE_SECOND_RESTART.toMillis());
        String second = launcher.run("up");
        return second == null ? null : "./miteos up failed twice: " + second;
    }

    /** The launcher pids of every other component (a process the launcher does not run has none). */
    private Map<String, Optional<Long>> otherPids(String component) {
        Map<String, Optional<Long>> pids = new TreeMap<>();
        for (String other : CrashSettings.LAUNCHER_COMPONENTS) {
            if (!other.equals(component)) {
                pids.put(other, launcherPid(pidDirectory, other));
            }
        }
        return pids;
    }

    /** Null if every other component still runs as the same process; otherwise which were restarted. */
    private String collateral(Map<String, Optional<Long>> before) {
        List<String> restarted = new ArrayList<>();
        before.forEach((component, pid) -> {
            if (!launcherPid(pidDirectory, component).equals(pid)) {
                restarted.add(component + " (" + pid.map(p -> "pid " + p).orElse("not running") + " before)");
            }
        });
        return restarted.isEmpty() ? null : "the launcher had to restart other components too: " + restarted;
    }

    private static boolean carriesMarker(long pid, String component) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            for (String argument : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
                if (argument.equals(MARKER + component)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // no such process
        }
    }

    private static Duration since(Instant instant) {
        return Duration.between(instant, Instant.now());
    }

    private static String seconds(Duration duration) {
        return String.format("%.1fs", duration.toMillis() / 1000.0);
    }
}
