package com.miteos.e2e.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The crash test's chaos: kills components of the local stack with SIGKILL, one at a time at
 * random moments, and restarts them through the launcher, like a supervisor would.
 *
 * <p>Each round takes every component once, in a random order. For each: wait 2–8 s; read
 * {@code .miteos/pids/<component>.pid}; check that {@code /proc/<pid>/cmdline} carries
 * {@code -Dlaunched.by.miteos=<component>} (a pid that is not the launcher's component is never
 * signalled); send SIGKILL ({@code kill -9}; {@link ProcessHandle#destroyForcibly()} also checks the
 * process's start time, so a recycled pid is safe); wait until the process is gone; then run
 * {@code MITEOS_SKIP_BUILD=true ./miteos up}, which restarts whatever is not running and healthy,
 * and wait for it. A failed restart is tried once more. After any failure (a component that
 * was not running, a failed restart) the remaining kills are skipped and reported as failed:
 * killing a stack in an unknown state would measure nothing.
 */
public final class ComponentKiller {

    static final String MARKER = "-Dlaunched.by.miteos=";
    private static final int MIN_PAUSE_MS = 2_000;
    private static final int MAX_PAUSE_MS = 8_000;
    /** Long enough for a graceful shutdown (MITEOS_SHUTDOWN_TIMEOUT, 20 s) to finish. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(40);
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration PAUSE_BEFORE_SECOND_RESTART = Duration.ofSeconds(5);
    private static final int LAUNCHER_LINES_KEPT = 25;
    private static final Pattern TOKEN = Pattern.compile("mt_(live|test)_[A-Za-z0-9]+");

    /**
     * One planned kill and what became of it.
     *
     * @param round       1-based round
     * @param component   the component
     * @param pid         the pid killed, or -1 if none was
     * @param at          when the SIGKILL was sent, from the start of the chaos
     * @param restartTook how long {@code ./miteos up} took (successful or not)
     * @param problem     null when the kill and the restart worked; otherwise what went wrong
     */
    public record Kill(int round, String component, long pid, Duration at, Duration restartTook, String problem) {

        public boolean succeeded() {
            return problem == null;
        }

        @Override
        public String toString() {
            return "round " + round + " " + component + (pid < 0 ? "" : " (pid " + pid + ")") + " at +"
                    + at.toSeconds() + "s, " + (problem == null ? "restarted in " + seconds(restartTook)
                    : "FAILED: " + problem);
        }
    }

    private final Path repositoryRoot;
    private final Path pidDirectory;
    private final List<String> components;
    private final int rounds;
    private final Random random;
    private final List<Kill> kills = new CopyOnWriteArrayList<>();
    private final boolean graceful;
    private final Thread thread;
    private volatile Instant start;

    /**
     * @param repositoryRoot where {@code ./miteos} is
     * @param pidDirectory   {@code .miteos/pids}
     * @param components     the components to kill, each once per round
     * @param rounds         how many times each component is killed
     * @param random         decides the order and the pauses (seeded, so a run can be repeated)
     * @param graceful       send SIGTERM (a graceful shutdown) instead of SIGKILL
     */
    public ComponentKiller(Path repositoryRoot, Path pidDirectory, List<String> components, int rounds,
            Random random, boolean graceful) {
        this.graceful = graceful;
        this.repositoryRoot = repositoryRoot;
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
                        kills.add(new Kill(round, component, -1, since(start), Duration.ZERO, abandoned));
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
            kills.add(new Kill(0, "?", -1, since(start), Duration.ZERO, "harness error: " + e));
        }
    }

    private Kill killAndRestart(int round, String component) throws InterruptedException {
        Optional<Long> pid = launcherPid(pidDirectory, component);
        Duration at = since(start);
        if (pid.isEmpty()) {
            return new Kill(round, component, -1, at, Duration.ZERO,
                    "not running under ./miteos (no pid file, or its pid lacks " + MARKER + component + ")");
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get());
        if (process.isEmpty() || !carriesMarker(pid.get(), component)) {
            return new Kill(round, component, pid.get(), at, Duration.ZERO, "exited before the kill");
        }
        boolean signalled = graceful ? process.get().destroy() : process.get().destroyForcibly(); // SIGTERM : SIGKILL
        if (!signalled) {
            return new Kill(round, component, pid.get(), at, Duration.ZERO, (graceful ? "SIGTERM" : "SIGKILL")
                    + " was refused");
        }
        try {
            process.get().onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            if (carriesMarker(pid.get(), component)) {
                return new Kill(round, component, pid.get(), at, Duration.ZERO,
                        "still alive " + EXIT_WAIT.toSeconds() + " s after SIGKILL");
            }
        }
        Instant restartStart = Instant.now();
        String problem = restartWithLauncher();
        if (problem != null) {
            System.out.println("crash test: restarting after the kill of " + component + " failed, trying once more: "
                    + problem);
            Thread.sleep(PAUSE_BEFORE_SECOND_RESTART.toMillis());
            String second = restartWithLauncher();
            problem = second == null ? null : "./miteos up failed twice: " + second;
        }
        return new Kill(round, component, pid.get(), at, since(restartStart), problem);
    }

    /** Runs {@code MITEOS_SKIP_BUILD=true ./miteos up}; answers null on success, else what went wrong. */
    private String restartWithLauncher() throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("./miteos", "up").directory(repositoryRoot.toFile())
                .redirectErrorStream(true);
        builder.environment().put("MITEOS_SKIP_BUILD", "true");
        Process launcher;
        try {
            launcher = builder.start();
        } catch (IOException e) {
            return "./miteos up could not be started: " + e.getMessage();
        }
        LauncherOutput output = new LauncherOutput(launcher.getInputStream());
        if (!launcher.waitFor(RESTART_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            launcher.destroy();
            launcher.waitFor(10, TimeUnit.SECONDS);
            return "./miteos up did not finish in " + RESTART_TIMEOUT.toMinutes() + " min; last lines:\n"
                    + output.tail();
        }
        output.finish();
        return launcher.exitValue() == 0 ? null
                : "./miteos up exited with " + launcher.exitValue() + "; last lines:\n" + output.tail();
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

    /**
     * Drains the launcher's output on a thread of its own (so it can never block on a full
     * pipe), keeping the last lines for a failure report. It prints the demo token on success:
     * tokens are masked before anything is kept.
     */
    private static final class LauncherOutput {

        private final Deque<String> lines = new ArrayDeque<>();
        private final Thread reader;

        LauncherOutput(InputStream stream) {
            reader = new Thread(() -> drain(stream), "crash-launcher-output");
            reader.setDaemon(true);
            reader.start();
        }

        void finish() throws InterruptedException {
            reader.join(Duration.ofSeconds(5).toMillis());
        }

        synchronized String tail() {
            return "    | " + String.join("\n    | ", lines);
        }

        private void drain(InputStream stream) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    keep(TOKEN.matcher(line).replaceAll("mt_$1_…"));
                }
            } catch (IOException e) {
                keep("(output unreadable: " + e.getMessage() + ")");
            }
        }

        private synchronized void keep(String line) {
            lines.addLast(line);
            if (lines.size() > LAUNCHER_LINES_KEPT) {
                lines.removeFirst();
            }
        }
    }
}
