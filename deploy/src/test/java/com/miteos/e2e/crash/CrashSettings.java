package com.miteos.e2e.crash;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static com.miteos.e2e.crash.RunProperties.duration;
import static com.miteos.e2e.crash.RunProperties.integer;

/**
 * The crash test's parameters, from system properties (Maven passes {@code -Dcrash.*} from its
 * command line on to the test JVM), each with a default:
 *
 * <table>
 *   <caption>parameters</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code crash.tasks}</td><td>300</td><td>sandbox tasks to submit under chaos</td></tr>
 *   <tr><td>{@code crash.kills}</td><td>2</td><td>kills (or restarts, for postgres) per component</td></tr>
 *   <tr><td>{@code crash.components}</td><td>the six below</td><td>comma-separated launcher components</td></tr>
 *   <tr><td>{@code crash.settle}</td><td>PT5M</td><td>longest wait, after the chaos, for terminal states</td></tr>
 *   <tr><td>{@code crash.window}</td><td>20 s per kill, at least 30 s</td><td>time the submissions are spread over</td></tr>
 *   <tr><td>{@code crash.submitters}</td><td>4</td><td>submitting threads</td></tr>
 *   <tr><td>{@code crash.seed}</td><td>random</td><td>seed of the kill order and timing, to repeat a run</td></tr>
 *   <tr><td>{@code crash.root}</td><td>{@code ..}</td><td>the repository root, where {@code ./miteos} is</td></tr>
 *   <tr><td>{@code crash.signal}</td><td>KILL</td><td>KILL (crash) or TERM (graceful shutdown and restart)</td></tr>
 * </table>
 *
 * @param tasks             sandbox tasks to submit while components are killed
 * @param killsPerComponent how many times each component is killed
 * @param components        launcher component names, killed in a random order each round
 * @param settle            how long to wait after the chaos for every accepted task to be terminal
 * @param loadWindow        the submissions are spread evenly over this much time
 * @param submitters        number of submitting threads
 * @param seed              seed for the order of the kills and the pauses between them
 * @param repositoryRoot    where {@code ./miteos} is (the test runs in {@code deploy/})
 * @param pidDirectory      the launcher's pid files, {@code .miteos/pids/}
 * @param graceful          stop components with SIGTERM (a graceful shutdown) instead of SIGKILL
 */
public record CrashSettings(int tasks, int killsPerComponent, List<String> components, Duration settle,
        Duration loadWindow, int submitters, long seed, Path repositoryRoot, Path pidDirectory, boolean graceful) {

    public static final List<String> DEFAULT_COMPONENTS =
            List.of("agent-orchestrator", "task-service", "deliverable-service", "api-gateway", "kafka", "postgres");
    /** Every component {@code ./miteos} starts and writes a pid file for. */
    static final Set<String> LAUNCHER_COMPONENTS = Set.of("kafka", "s3proxy", "postgres", "api-gateway",
            "task-service", "agent-orchestrator", "deliverable-service");
    private static final Duration WINDOW_PER_KILL = Duration.ofSeconds(20);
    private static final Duration MIN_WINDOW = Duration.ofSeconds(30);

    public CrashSettings {
        if (tasks < 1 || killsPerComponent < 0 || submitters < 1) {
            throw new IllegalArgumentException("crash.tasks and crash.submitters must be at least 1, "
                    + "crash.kills at least 0");
        }
        for (String component : components) {
            if (!LAUNCHER_COMPONENTS.contains(component)) {
                throw new IllegalArgumentException("crash.components: '" + component
                        + "' is not a component of ./miteos (one of " + LAUNCHER_COMPONENTS + ")");
            }
        }
        components = List.copyOf(components);
    }

    /** Reads the {@code crash.*} system properties; the launcher's state is in {@code stateDirectory}. */
    public static CrashSettings fromSystemProperties(Path stateDirectory) {
        int tasks = integer("crash.tasks", 300);
        int kills = integer("crash.kills", 2);
        List<String> components = Arrays.stream(System.getProperty("crash.components",
                        String.join(",", DEFAULT_COMPONENTS)).split(","))
                .map(String::trim).filter(name -> !name.isEmpty()).toList();
        Duration defaultWindow = WINDOW_PER_KILL.multipliedBy((long) kills * components.size());
        return new CrashSettings(tasks, kills, components,
                duration("crash.settle", Duration.ofMinutes(5)),
                duration("crash.window", defaultWindow.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : defaultWindow),
                integer("crash.submitters", 4),
                Long.getLong("crash.seed", ThreadLocalRandom.current().nextLong()),
                Path.of(System.getProperty("crash.root", "..")),
                stateDirectory.resolve("pids"),
                signal(System.getProperty("crash.signal", "KILL")));
    }

    public int plannedKills() {
        return killsPerComponent * components.size();
    }

    /** One line for the log: everything needed to repeat this run. */
    public String describe() {
        return "tasks=" + tasks + " kills=" + killsPerComponent + " components=" + String.join(",", components)
                + " window=" + loadWindow + " settle=" + settle + " submitters=" + submitters + " seed=" + seed
                + " signal=" + (graceful ? "TERM" : "KILL");
    }

    private static boolean signal(String name) {
        return switch (name.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "KILL", "SIGKILL" -> false;
            case "TERM", "SIGTERM" -> true;
            default -> throw new IllegalArgumentException("crash.signal: KILL or TERM, not '" + name + "'");
        };
    }
}
