package com.miteos.e2e.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs {@code ./miteos} commands for the destructive tests, as a supervisor would, with
 * {@code MITEOS_SKIP_BUILD=true} (the jars under test are never rebuilt mid-run). The launcher
 * inherits this JVM's environment, so a stack started on other ports is restarted on them.
 */
public final class Launcher {

    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final int LINES_KEPT = 25;
    private static final Pattern TOKEN = Pattern.compile("mt_(live|test)_[A-Za-z0-9]+");

    private final Path repositoryRoot;

    /** @param repositoryRoot where {@code ./miteos} is */
    public Launcher(Path repositoryRoot) {
        this.repositoryRoot = repositoryRoot;
    }

    /**
     * Runs {@code ./miteos ARGUMENTS…} and waits for it; answers null on success, otherwise what
     * went wrong with the launcher's last lines.
     */
    public String run(String... arguments) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("./miteos"));
        command.addAll(List.of(arguments));
        String shown = String.join(" ", command);
        ProcessBuilder builder = new ProcessBuilder(command).directory(repositoryRoot.toFile()).redirectErrorStream(true);
        builder.environment().put("MITEOS_SKIP_BUILD", "true");
        Process launcher;
        try {
            launcher = builder.start();
        } catch (IOException e) {
            return shown + " could not be started: " + e.getMessage();
        }
        Output output = new Output(launcher.getInputStream());
        if (!launcher.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            launcher.destroy();
            launcher.waitFor(10, TimeUnit.SECONDS);
            return shown + " did not finish in " + TIMEOUT.toMinutes() + " min; last lines:\n" + output.tail();
        }
        output.finish();
        return launcher.exitValue() == 0 ? null
                : shown + " exited with " + launcher.exitValue() + "; last lines:\n" + output.tail();
    }

    /**
     * Drains the launcher's output on a thread of its own (so it can never block on a full
     * pipe), keeping the last lines for a failure report. It prints the demo token on success:
     * tokens are masked before anything is kept.
     */
    private static final class Output {

        private final Deque<String> lines = new ArrayDeque<>();
        private final Thread reader;

        Output(InputStream stream) {
            reader = new Thread(() -> drain(stream), "launcher-output");
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
            if (lines.size() > LINES_KEPT) {
                lines.removeFirst();
            }
        }
    }
}
