package com.miteos.orchestrator.adapter.s3;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * However many agents write files at once, the S3 calls in flight, and the threads they hold,
 * stay at {@code MITEOS_S3_MAX_CONCURRENT_CALLS}: against an S3 endpoint that holds every upload
 * until released, 12 writes put only 2 on the wire with a cap of 2, and all 12 complete after.
 */
class FileStoreConcurrencyTest {

    private static final int CAP = 2;
    private static final int WRITES = 12;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicInteger uploads = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer s3;

    @AfterEach
    void stop() {
        release.countDown();
        if (s3 != null) {
            s3.stop(0);
        }
    }

    @Test
    void writesBeyondTheCapWaitTheirTurnInsteadOfTakingAThreadEach() throws Exception {
        s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s3.setExecutor(Executors.newCachedThreadPool());
        s3.createContext("/", this::answer);
        s3.start();
        long threadsBefore = s3CallThreads();
        FileStore store = new FileStore(config("http://127.0.0.1:" + s3.getAddress().getPort()));
        try {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                writes.add(store.put("acct/test/task/dlvr_" + i, new byte[] {1, 2, 3}, "text/plain")
                        .subscribeAsCompletionStage());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (inFlight.get() < CAP && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // time for any write beyond the cap to reach the server, were it not held back

            assertThat(inFlight.get()).as("uploads held at the server").isEqualTo(CAP);
            assertThat(s3CallThreads() - threadsBefore).as("threads of the store's pool").isLessThanOrEqualTo(CAP);

            release.countDown();
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(uploads.get()).isEqualTo(WRITES);
            assertThat(mostInFlight.get()).isEqualTo(CAP);
        } finally {
            store.close();
        }
    }

    /** HEAD of the bucket: it exists. PUT of an object: held until released, then stored. */
    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if ("PUT".equals(exchange.getRequestMethod())) {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
                uploads.incrementAndGet();
                exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef\"");
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private static long s3CallThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("s3-call-")).count();
    }

    private static OrchestratorConfig config(String endpoint) {
        OrchestratorConfig.Storage s3 = stub(OrchestratorConfig.Storage.class, Map.of("endpoint", endpoint,
                "publicEndpoint", endpoint, "accessKey", "key", "secretKey", "secret-key", "region", "us-east-1",
                "bucket", "deliverables", "maxConcurrentCalls", CAP));
        return stub(OrchestratorConfig.class, Map.of("s3", s3));
    }

    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
            }
            return answers.get(method.getName());
        }));
    }
}
