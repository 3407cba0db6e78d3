import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-model HTTP load for bench/ (issue 12): requests leave at a constant arrival rate whatever
 * the server does, and each latency is counted from the moment its request was due, not from when it
 * could be sent, so a stalled server shows in the percentiles (no coordinated omission). JDK only, run
 * as a source file:
 *
 * <pre>java bench/OpenLoad.java --url URL --rate PER_SECOND --seconds N [--warmup N] [--method POST]
 *      [--header 'Name: value']... [--body TEXT | --body-file PATH] [--timeout-ms 10000]</pre>
 *
 * Prints one line: {@code rate=… sent=… ok=… non2xx=… errors=… late=… p50_ms=… p90_ms=… p99_ms=… max_ms=…}
 * (ok = 2xx; late = requests due before the previous one left, i.e. the generator itself fell behind).
 * The warm-up runs at the same rate and is not counted.
 */
public final class OpenLoad {

    public static void main(String[] args) throws Exception {
        String url = null, method = "GET", body = null;
        double rate = 0;
        int seconds = 0, warmup = 0, timeoutMs = 10_000;
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = value;
                case "--rate" -> rate = Double.parseDouble(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--method" -> method = value;
                case "--header" -> headers.add(value);
                case "--body" -> body = value;
                case "--body-file" -> body = readFile(value);
                case "--timeout-ms" -> timeoutMs = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (url == null || rate <= 0 || seconds <= 0) {
            throw new IllegalArgumentException("--url, --rate and --seconds are required");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "open-load");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (String header : headers) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        HttpRequest request = builder.build();
        if (warmup > 0) {
            run(client, request, rate, warmup, timeoutMs);
        }
        Result result = run(client, request, rate, seconds, timeoutMs);
        System.out.println(result.line(rate));
        System.exit(0);
    }

    private static String readFile(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path, e);
        }
    }

    private record Result(long sent, long ok, long non2xx, long errors, long late, long[] latenciesMicros) {
        String line(double rate) {
            long[] sorted = Arrays.stream(latenciesMicros).sorted().toArray();
            return String.format("rate=%.1f sent=%d ok=%d non2xx=%d errors=%d late=%d p50_ms=%.2f p90_ms=%.2f"
                            + " p99_ms=%.2f max_ms=%.2f", rate, sent, ok, non2xx, errors, late,
                    percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
        }

        private static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
        }
    }

    /** Sends {@code rate × seconds} requests, each at its due time; waits for the answers (at most the timeout). */
    private static Result run(HttpClient client, HttpRequest request, double rate, int seconds, int timeoutMs)
            throws InterruptedException {
        int total = (int) Math.round(rate * seconds);
        long periodNanos = (long) (1e9 / rate);
        long[] latencies = new long[total];
        Arrays.fill(latencies, -1);
        AtomicLong ok = new AtomicLong(), non2xx = new AtomicLong(), errors = new AtomicLong();
        long late = 0;
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -periodNanos) {
                late++;
            }
            int index = i;
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, e) -> {
                latencies[index] = (System.nanoTime() - due) / 1000;
                if (e != null) {
                    errors.incrementAndGet();
                } else if (response.statusCode() / 100 == 2) {
                    ok.incrementAndGet();
                } else {
                    non2xx.incrementAndGet();
                }
            }));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // failed and unanswered requests are counted as errors; an unanswered one has no latency
        }
        long now = System.nanoTime();
        for (int i = 0; i < total; i++) {
            if (latencies[i] < 0) { // unanswered: at least this late
                latencies[i] = (now - (start + i * periodNanos)) / 1000;
            }
        }
        long answered = ok.get() + non2xx.get() + errors.get();
        return new Result(total, ok.get(), non2xx.get(), errors.get() + (total - answered), late, latencies);
    }
}
