package com.miteos.e2e.scale;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API key's requests, sent open-loop at a fixed rate and spread round-robin over several
 * gateways, as a client that ignores 429s would: the next request leaves on its tick whether or not
 * the previous ones were answered, so a slow gateway cannot lower the load it is offered. Each
 * answer is counted per gateway: passed the rate limit (any answer but a 429), refused
 * ({@code 429 rate-limited}), or unknown (no answer: a timeout or a failed connection, which may
 * have taken a token or not).
 *
 * <p>{@link #probe} reads a gateway's configured limit from its own answers: the bucket's capacity
 * from {@code RateLimit-Limit}, the refill rate from the 429 problem's detail.
 */
public final class RateLimitHammer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** The rate-limit problem's detail (api-gateway's RateLimitEnforcer). */
    private static final Pattern LIMIT_DETAIL = Pattern.compile("may make (\\d+) requests per second, in bursts of up to (\\d+)");
    private static final String RATE_LIMITED = "https://api.miteos.com/problems/rate-limited";
    private static final int PROBE_MAX_REQUESTS = 10_000;
    /** Indexes of the per-gateway counters; {@code NOT_OK} counts the passed answers that are not 200. */
    private static final int SENT = 0;
    private static final int PASSED = 1;
    private static final int REFUSED = 2;
    private static final int UNKNOWN = 3;
    private static final int NOT_OK = 4;

    /** A key's limit as a gateway enforces it: refill per second and capacity. */
    public record Limit(long requestsPerSecond, long burst) {

        /**
         * The most requests a fresh (full) bucket can give in {@code window}: its capacity plus
         * the greedy refill, {@code burst + floor(rate × window)}.
         */
        public long allowedOver(Duration window) {
            return burst + Math.floorDiv(requestsPerSecond * window.toNanos(), 1_000_000_000L);
        }
    }

    /** What one gateway answered, and how long its answers took (p50, p99, slowest). */
    public record GatewayCount(String url, int sent, int passed, int refused, int unknown, int notOk, long p50Ms,
            long p99Ms, long maxMs) {

        @Override
        public String toString() {
            return url + " sent=" + sent + " passed=" + passed + " refused=" + refused + " unknown=" + unknown
                    + (notOk == 0 ? "" : " passed_but_not_200=" + notOk) + " answer_ms_p50=" + p50Ms + " p99=" + p99Ms
                    + " max=" + maxMs;
        }
    }

    /**
     * The outcome of one run.
     *
     * @param gateways   the counts per gateway
     * @param sendWindow from the first request sent to the last one sent
     * @param window     from the first request sent to the last answer (or failure) received: every
     *                   rate-limit decision of the run happened inside it
     * @param sent       requests sent
     */
    public record Result(List<GatewayCount> gateways, Duration sendWindow, Duration window, int sent) {

        public int passed() {
            return gateways.stream().mapToInt(GatewayCount::passed).sum();
        }

        public int refused() {
            return gateways.stream().mapToInt(GatewayCount::refused).sum();
        }

        public int unknown() {
            return gateways.stream().mapToInt(GatewayCount::unknown).sum();
        }

        /** Requests offered per second while sending. */
        public double offeredPerSecond() {
            return sendWindow.isZero() ? 0 : (sent - 1) * 1e9 / sendWindow.toNanos();
        }
    }

    private final List<String> gatewayUrls;
    private final List<String> paths;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param gatewayUrls the gateways, request i goes to gateway i mod n
     * @param paths       the GET paths used in turn (request i uses path (i / n) mod paths)
     * @param token       the one API key every request carries
     */
    public RateLimitHammer(List<String> gatewayUrls, List<String> paths, String token) {
        this.gatewayUrls = List.copyOf(gatewayUrls);
        this.paths = List.copyOf(paths);
        this.token = token;
    }

    /**
     * Reads the limit a gateway enforces, with a key of its own (whose bucket this spends): GETs
     * {@code path} one after the other until the first 429. Fails if the bucket is far larger
     * than a test can empty (a stack started with the rate limit lifted).
     */
    public static Limit probe(String gatewayUrl, String path, String token) throws IOException, InterruptedException {
        RateLimitHammer prober = new RateLimitHammer(List.of(gatewayUrl), List.of(path), token);
        for (int i = 0; i < PROBE_MAX_REQUESTS; i++) {
            HttpResponse<String> answer = prober.http.send(prober.request(0, 0), HttpResponse.BodyHandlers.ofString());
            long capacity = answer.headers().firstValueAsLong("RateLimit-Limit").orElseThrow(() -> new IllegalStateException(
                    gatewayUrl + " sends no RateLimit-Limit header: its rate limit is off"));
            if (capacity > PROBE_MAX_REQUESTS) {
                throw new IllegalStateException(gatewayUrl + " lets a key make " + capacity + " requests at once: the"
                        + " stack runs with the rate limit lifted; start it with the limits under test");
            }
            if (answer.statusCode() == 429) {
                Matcher detail = LIMIT_DETAIL.matcher(JSON.readTree(answer.body()).path("detail").asText());
                if (!detail.find()) {
                    throw new IllegalStateException(gatewayUrl + " answered a 429 without the limit in its detail: "
                            + answer.body());
                }
                Limit limit = new Limit(Long.parseLong(detail.group(1)), Long.parseLong(detail.group(2)));
                if (limit.burst() != capacity) {
                    throw new IllegalStateException(gatewayUrl + ": RateLimit-Limit " + capacity + " but the detail says "
                            + limit);
                }
                return limit;
            }
        }
        throw new IllegalStateException(gatewayUrl + " refused none of " + PROBE_MAX_REQUESTS + " requests");
    }

    /**
     * Sends {@code requests} GETs, one every {@code 1 / perSecond} seconds, then waits for every
     * answer (at most {@link #DRAIN_TIMEOUT} after the last request left).
     */
    public Result run(int requests, double perSecond) throws InterruptedException {
        int n = gatewayUrls.size();
        AtomicInteger[][] counts = new AtomicInteger[n][5];
        for (AtomicInteger[] row : counts) {
            for (int j = 0; j < row.length; j++) {
                row[j] = new AtomicInteger();
            }
        }
        List<List<Long>> latencies = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            latencies.add(Collections.synchronizedList(new ArrayList<>()));
        }
        List<CompletableFuture<?>> answers = new ArrayList<>(requests);
        AtomicInteger next = new AtomicInteger();
        AtomicLong firstSent = new AtomicLong();
        AtomicLong lastSent = new AtomicLong();
        AtomicLong lastAnswered = new AtomicLong();
        long periodNanos = Math.max(1, Math.round(1e9 / perSecond));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            ticker.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= requests) {
                    return;
                }
                int gateway = i % n;
                long now = System.nanoTime();
                if (i == 0) {
                    firstSent.set(now);
                }
                lastSent.set(now);
                counts[gateway][SENT].incrementAndGet();
                CompletableFuture<?> answer = http.sendAsync(request(gateway, i / n), HttpResponse.BodyHandlers.ofString())
                        .handle((response, failure) -> {
                            long answered = System.nanoTime();
                            lastAnswered.accumulateAndGet(answered, Math::max);
                            latencies.get(gateway).add((answered - now) / 1_000_000);
                            int outcome = classify(response, failure);
                            counts[gateway][outcome].incrementAndGet();
                            if (outcome == PASSED && response.statusCode() != 200) {
                                counts[gateway][NOT_OK].incrementAndGet();
                            }
                            return null;
                        });
                synchronized (answers) {
                    answers.add(answer);
                }
            }, 0, periodNanos, TimeUnit.NANOSECONDS);
            while (next.get() < requests) {
                Thread.sleep(50);
            }
        } finally {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        }
        CompletableFuture<?>[] all;
        synchronized (answers) {
            all = answers.toArray(CompletableFuture[]::new);
        }
        try {
            CompletableFuture.allOf(all).get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // counted below: an answer still missing is unknown
        }
        List<GatewayCount> result = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            AtomicInteger[] c = counts[g];
            int answered = c[PASSED].get() + c[REFUSED].get() + c[UNKNOWN].get();
            List<Long> sorted;
            synchronized (latencies.get(g)) {
                sorted = latencies.get(g).stream().sorted().toList();
            }
            result.add(new GatewayCount(gatewayUrls.get(g), c[SENT].get(), c[PASSED].get(), c[REFUSED].get(),
                    c[UNKNOWN].get() + (c[SENT].get() - answered), c[NOT_OK].get(), percentile(sorted, 50),
                    percentile(sorted, 99), percentile(sorted, 100)));
        }
        return new Result(result, Duration.ofNanos(lastSent.get() - firstSent.get()),
                Duration.ofNanos(Math.max(lastAnswered.get(), lastSent.get()) - firstSent.get()),
                Math.min(requests, next.get()));
    }

    /**
     * Which count an answer goes to: a 429 of another problem type (e.g. the active-task cap) passed
     * the rate limit.
     */
    private static int classify(HttpResponse<String> response, Throwable failure) {
        if (failure != null || response == null) {
            return UNKNOWN;
        }
        if (response.statusCode() == 429 && response.body().contains(RATE_LIMITED)) {
            return REFUSED;
        }
        return PASSED;
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private HttpRequest request(int gateway, int round) {
        return HttpRequest.newBuilder(URI.create(gatewayUrls.get(gateway) + paths.get(round % paths.size())))
                .timeout(REQUEST_TIMEOUT).header("Authorization", "Bearer " + token).GET().build();
    }
}
