package com.miteos.e2e;

import com.miteos.testing.SseClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /v1/tasks/{id}/events} over the real pipeline: a sandbox task's events go from the
 * orchestrator through Kafka into task-service's event log and out of the gateway. A client that
 * hangs up at random points ({@code -Dstream.reconnects=}, 100 by default) and resumes with
 * {@code Last-Event-ID} reads exactly what an uninterrupted client reads, ending with
 * {@code task.completed}; a client connecting afterwards reads it all again and is closed; another
 * account does not see the stream.
 */
class StreamIT {

    private static final int RECONNECTS = Integer.getInteger("stream.reconnects", 100);
    /** 429s (rate limit, a stream slot not freed yet) a reconnecting client waits out before the test gives up. */
    private static final int MAX_REFUSALS = 30;

    @Test
    void aResumingClientReadsExactlyTheUninterruptedStreamOfASandboxTask() throws Exception {
        String token = Stack.demoToken();
        String id = Stack.as(token)
                .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT,
                        "config", Map.of("max_agents", 2, "sandbox", Map.of("step_delay_ms", 500))))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        String url = Stack.BASE_URL + "/v1/tasks/" + id + "/events";
        CompletableFuture<SseClient.Read> uninterrupted = CompletableFuture.supplyAsync(() -> {
            try {
                return SseClient.read(url, token, null, -1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Random random = new Random(Long.getLong("stream.seed", System.nanoTime()));
        List<SseClient.Event> resumed = new ArrayList<>();
        long cursor = 0;
        int hangUps = 0;
        int refusals = 0;
        boolean ended = false;
        while (!ended) {
            // 1 to 250 bytes: the opening comment is about 60, an event 150 to 400, so a hang-up falls before,
            // inside or between events, and a task of a few dozen events sees a hundred of them.
            int cut = hangUps < RECONNECTS ? 1 + random.nextInt(250) : -1;
            SseClient.Read read = SseClient.read(url, token, cursor == 0 ? null : Long.toString(cursor), cut);
            if (read.status() == 429 && refusals++ < MAX_REFUSALS) {
                // The key's request rate, or a stream slot the gateway has not freed yet after the last
                // hang-up: a client waits and reconnects from the same cursor, as a real one would.
                Thread.sleep(1_000);
                continue;
            }
            assertThat(read.status()).isEqualTo(200);
            resumed.addAll(read.events());
            cursor = read.lastId(cursor);
            ended = read.endedByServer();
            hangUps += ended ? 0 : 1;
        }

        List<SseClient.Event> whole = uninterrupted.get(120, TimeUnit.SECONDS).events();
        assertThat(whole.stream().map(SseClient.Event::id).toList())
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, whole.size()).boxed().toList());
        assertThat(whole.get(0).type()).isEqualTo("task.status");
        assertThat(whole.get(whole.size() - 1).type()).isEqualTo("task.completed");
        assertThat(whole).extracting(SseClient.Event::type)
                .contains("agent.updated", "cost.updated", "deliverable.created");
        assertThat(resumed).isEqualTo(whole);
        // Every hang-up came before the end: the task ran long enough (step_delay_ms) for all of them.
        assertThat(hangUps).as("hang-ups during the task (%d events)", whole.size()).isGreaterThanOrEqualTo(RECONNECTS);

        SseClient.Read afterwards = SseClient.read(url, token, null, -1);
        assertThat(afterwards.endedByServer()).isTrue();
        assertThat(afterwards.events()).isEqualTo(whole);
        int files = Stack.as(token).get("/v1/tasks/{id}", id).then().extract().path("deliverables_count");
        assertThat(whole).filteredOn(e -> e.type().equals("deliverable.created")).hasSize(files);

        String stranger = Stack.newToken("test");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                Stack.as(stranger).get("/v1/tasks/{id}/events", id).then().statusCode(404));
        assertThat(Stack.as(Stack.newToken("live")).get("/v1/tasks/{id}/events", id).then().extract().statusCode())
                .isEqualTo(404);
    }
}
