import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * P3 of issue 12, the pipeline: tasks submitted at a constant rate (open model), each timed from the
 * moment its POST was due to the moment a client sees it {@code complete}. JDK only, run as a source file:
 *
 * <pre>java bench/Pipeline.java --base URL --token TOKEN --rate PER_SECOND --seconds N [--warmup N]
 *      [--drain-seconds 300] --body-file PATH</pre>
 *
 * A client sees completions the way one would: the newest completed tasks ({@code GET
 * /v1/tasks?status=complete&limit=100}, every 50 ms), and, for a task not seen there 1.5 s after its
 * POST (an outlier that newer tasks pushed off that page), its own {@code GET /v1/tasks/{id}} every
 * 250 ms. Tasks due in the warm-up are run but not counted.
 *
 * <p>Prints one line: {@code sent= accepted= complete= failed= unresolved= post_p99_ms=
 * complete_p50_ms= complete_p90_ms= complete_p99_ms= complete_max_ms= completed_per_s= late= refused=}, where
 * refused lists the POSTs not answered 201, by status or error (e.g. {@code {429=3, HttpTimeoutException=2}}),
 * completed_per_s counts the completions (of any task, warm-up ones included) seen while tasks were being
 * sent after the warm-up, and late
 * counts POSTs the generator itself sent late.
 */
public final class Pipeline {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(task_[0-9a-z]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(2)).build();
    private final String base;
    private final String token;
    /** Tasks not seen complete yet: id -> the nanoTime their POST was due. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    /** Tasks due in the warm-up: their completions count for the rate, not for the latencies. */
    private final Map<String, Boolean> warmUp = new ConcurrentHashMap<>();
    private final List<Long> completeNanos = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> postNanos = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger postsInFlight = new AtomicInteger();
    /** Counted POSTs answered with another status than 201, or not answered (an error, a 10 s timeout). */
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger completedWhileSending = new AtomicInteger();
    private volatile boolean measuringThroughput;

    private Pipeline(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        String base = null, token = null, body = null;
        double rate = 0;
        int seconds = 0, warmup = 0, drain = 300;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--base" -> base = args[i + 1];
                case "--token" -> token = args[i + 1];
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--drain-seconds" -> drain = Integer.parseInt(args[i + 1]);
                case "--body-file" -> body = Files.readString(Path.of(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (base == null || token == null || body == null || rate <= 0 || seconds <= 0) {
            throw new IllegalArgumentException("--base, --token, --body-file, --rate and --seconds are required");
        }
        new Pipeline(base, token).run(body, rate, warmup, seconds, drain);
        System.exit(0);
    }

    private void run(String body, double rate, int warmup, int seconds, int drain) throws InterruptedException {
        Thread watcher = daemon("watch-list", this::watchNewestCompleted);
        Thread stragglers = daemon("watch-stragglers", this::watchStragglers);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        long countFrom = start + warmup * 1_000_000_000L;
        long end = countFrom + seconds * 1_000_000_000L;
        int sent = 0, late = 0;
        for (long due = start; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (-wait > interval) {
                late++;
            }
            if (due >= countFrom) {
                measuringThroughput = true;
                sent++;
            }
            submit(body, due, due >= countFrom);
        }
        measuringThroughput = false;
        long throughputNanos = System.nanoTime() - countFrom;
        long drainUntil = System.nanoTime() + drain * 1_000_000_000L;
        while ((postsInFlight.get() > 0 || pending.size() > warmUp.size()) && System.nanoTime() < drainUntil) {
            Thread.sleep(200);
        }
        watcher.interrupt();
        stragglers.interrupt();
        System.out.printf("sent=%d accepted=%d complete=%d failed=%d unresolved=%d post_p99_ms=%.1f complete_p50_ms=%.1f"
                        + " complete_p90_ms=%.1f complete_p99_ms=%.1f complete_max_ms=%.1f completed_per_s=%.1f late=%d refused=%s%n",
                sent, accepted.get(), completeNanos.size(), failed.get(), pending.size() - warmUp.size(), pct(postNanos, 0.99),
                pct(completeNanos, 0.50), pct(completeNanos, 0.90), pct(completeNanos, 0.99), pct(completeNanos, 1.0),
                completedWhileSending.get() / (throughputNanos / 1e9), late, refused.isEmpty() ? "none" : refused);
    }

    private void submit(String body, long due, boolean counted) {
        HttpRequest post = request("/v1/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        postsInFlight.incrementAndGet();
        client.sendAsync(post, HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, error) -> {
                    postsInFlight.decrementAndGet();
                    if (counted && (response == null || response.statusCode() != 201)) {
                        String why = response == null ? error.getClass().getSimpleName() : "" + response.statusCode();
                        refused.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
                    }
                })
                .thenAccept(response -> {
            Matcher id = ID.matcher(response.body());
            if (response.statusCode() != 201 || !id.find()) {
                return;
            }
            if (counted) {
                postNanos.add(System.nanoTime() - due);
                accepted.incrementAndGet();
            } else {
                warmUp.put(id.group(1), true);
            }
            pending.put(id.group(1), due);
        });
    }

    /** Every 50 ms: the newest completed tasks. */
    private void watchNewestCompleted() {
        while (!Thread.currentThread().isInterrupted()) {
            String page = get("/v1/tasks?status=complete&limit=100");
            if (page != null) {
                Matcher id = ID.matcher(page);
                long now = System.nanoTime();
                while (id.find()) {
                    seen(id.group(1), "complete", now);
                }
            }
            if (!pause(50)) {
                return;
            }
        }
    }

    /** Every 250 ms: each task not seen 1.5 s after its POST was due, by its own GET (at most 64 at once). */
    private void watchStragglers() {
        Semaphore inFlight = new Semaphore(64);
        while (!Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            pending.forEach((id, due) -> {
                if (now - due < 1_500_000_000L || !inFlight.tryAcquire()) {
                    return;
                }
                client.sendAsync(request("/v1/tasks/" + id).GET().build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) -> {
                            inFlight.release();
                            if (response != null && response.statusCode() == 200) {
                                Matcher status = STATUS.matcher(response.body());
                                if (status.find()) {
                                    seen(id, status.group(1), System.nanoTime());
                                }
                            }
                        });
            });
            if (!pause(250)) {
                return;
            }
        }
    }

    private void seen(String id, String status, long atNanos) {
        if (!status.equals("complete") && !status.equals("failed") && !status.equals("cancelled")) {
            return;
        }
        Long due = pending.remove(id);
        if (due == null) {
            return;
        }
        boolean counted = warmUp.remove(id) == null;
        if (status.equals("complete") && measuringThroughput) {
            completedWhileSending.incrementAndGet();
        }
        if (!counted) {
            return;
        }
        if (status.equals("complete")) {
            completeNanos.add(atNanos - due);
        } else {
            failed.incrementAndGet();
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static double pct(List<Long> nanos, double q) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
