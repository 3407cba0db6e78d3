package com.miteos.e2e.scale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The latencies of the prober's pauses and resumes, from the command's 200 to its effect visible
 * through the API, with those around the kill -9 counted apart: a SIGKILLed member's partitions
 * move only once the broker's session timeout has passed (6 s locally), so a command waiting at
 * any moment from the kill until {@code crashWindow} after it waits for the failure to be
 * detected, not for a rebalance. The others are judged: the p99 of the time until the owner
 * applied them must be within the limit ({@code scale.command-p99-limit}; issue 9: commands apply
 * within 1 s, p99, on any member, during and after rebalances). The owner applied a command at the
 * {@code updated_at} of the first snapshot that showed it; the time until the API showed it adds
 * the read model's projection, and is reported next to it.
 */
public final class CommandLatencies {

    private static final Duration SLOW = Duration.ofSeconds(1);

    private final List<PauseProber.Sample> pauses;
    private final List<PauseProber.Sample> pausesInCrash;
    private final List<PauseProber.Sample> resumes;
    private final List<PauseProber.Sample> resumesInCrash;
    private final Duration crashWindow;
    private final Instant start;

    CommandLatencies(List<PauseProber.Sample> pauses, List<PauseProber.Sample> resumes, Optional<Instant> kill,
            Duration crashWindow, Instant start) {
        this.crashWindow = crashWindow;
        this.start = start;
        this.pauses = apart(pauses, kill, false);
        this.pausesInCrash = apart(pauses, kill, true);
        this.resumes = apart(resumes, kill, false);
        this.resumesInCrash = apart(resumes, kill, true);
    }

    /** {@code start}: the chaos' start, from which the slow commands are timed. */
    public static CommandLatencies of(PauseProber prober, Optional<Instant> kill, Duration crashWindow,
            Instant start) {
        return new CommandLatencies(prober.pauseSamples(), prober.resumeSamples(), kill, crashWindow, start);
    }

    private List<PauseProber.Sample> apart(List<PauseProber.Sample> samples, Optional<Instant> kill, boolean inCrash) {
        return samples.stream().filter(s -> inCrash == kill.map(k -> s.overlaps(k, k.plus(crashWindow))).orElse(false))
                .toList();
    }

    /** The report's lines: pauses and resumes apart from the kill and during it, then the slow ones. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("scale test: pause latency apart from the kill -9 (waiting at some moment of its first "
                + crashWindow.toSeconds() + " s): " + latencies(pauses, PauseProber.Sample::millis)
                + "; during it: " + latencies(pausesInCrash, PauseProber.Sample::millis)
                + "; applied by the owner (its paused snapshot's updated_at) apart from the kill -9: "
                + latencies(pauses, PauseProber.Sample::appliedMillis)
                + "; during it: " + latencies(pausesInCrash, PauseProber.Sample::appliedMillis));
        lines.add("scale test: resume latency apart from the kill -9: " + latencies(resumes, PauseProber.Sample::millis)
                + "; during it: " + latencies(resumesInCrash, PauseProber.Sample::millis)
                + "; applied by the owner (the updated_at of the first snapshot without the user's pause) apart from"
                + " the kill -9: " + latencies(resumes, PauseProber.Sample::appliedMillis)
                + "; during it: " + latencies(resumesInCrash, PauseProber.Sample::appliedMillis));
        lines.add("scale test: commands over " + SLOW.toMillis() + " ms: " + slow());
        return lines;
    }

    /** The failures against {@code limit} (zero: not judged). */
    public List<String> failures(Duration limit) {
        List<String> failures = new ArrayList<>();
        if (limit.isZero()) {
            return failures;
        }
        check(failures, "pause", pauses, limit);
        check(failures, "resume", resumes, limit);
        return failures;
    }

    private static void check(List<String> failures, String command, List<PauseProber.Sample> samples,
            Duration limit) {
        long p99 = p99(samples);
        if (p99 > limit.toMillis()) {
            failures.add(command + "s applied by their owners, apart from the kill -9: p99 " + p99
                    + " ms over the limit of " + limit.toMillis() + " ms (scale.command-p99-limit)");
        }
    }

    private static long p99(List<PauseProber.Sample> samples) {
        List<Long> millis = samples.stream().map(PauseProber.Sample::appliedMillis).toList();
        return millis.isEmpty() ? 0 : Long.parseLong(ScaleVerdict.percentile(millis, 99));
    }

    private String slow() {
        List<String> slow = new ArrayList<>();
        pauses.stream().filter(this::isSlow).map(s -> describe("pause", s)).forEach(slow::add);
        pausesInCrash.stream().filter(this::isSlow).map(s -> describe("pause", s) + " in the kill window").forEach(slow::add);
        resumes.stream().filter(this::isSlow).map(s -> describe("resume", s)).forEach(slow::add);
        resumesInCrash.stream().filter(this::isSlow).map(s -> describe("resume", s) + " in the kill window")
                .forEach(slow::add);
        slow.sort(null);
        return slow.isEmpty() ? "none" : String.join(", ", slow);
    }

    private boolean isSlow(PauseProber.Sample sample) {
        return sample.millis() > SLOW.toMillis();
    }

    private String describe(String command, PauseProber.Sample s) {
        return String.format("+%03ds %s %s %dms (applied %dms)", Duration.between(start, s.answered()).toSeconds(),
                command, s.taskId(), s.millis(), s.appliedMillis());
    }

    private static String latencies(List<PauseProber.Sample> samples, ToLongFunction<PauseProber.Sample> millis) {
        List<Long> sorted = samples.stream().map(millis::applyAsLong).sorted().toList();
        return "n=" + sorted.size() + " p50_ms=" + ScaleVerdict.percentile(sorted, 50) + " p99_ms="
                + ScaleVerdict.percentile(sorted, 99) + " max_ms=" + (sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
    }
}
