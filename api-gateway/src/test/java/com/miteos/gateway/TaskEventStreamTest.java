package com.miteos.gateway;

import com.miteos.testing.SseClient;
import com.miteos.gateway.client.TaskEventApi;
import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.service.ApiKeyAuthenticator;
import com.miteos.gateway.service.StreamQuota;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.StreamCursor;
import com.miteos.model.view.StreamEvent;
import com.miteos.model.view.TaskView;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/**
 * {@code GET /v1/tasks/{id}/events} through the gateway's whole path (authentication, the owner
 * check, the per-key cap, the poller, the SSE writer), with task-service's event logs played by a
 * {@link ScriptedEventLog} that a test appends to while clients read. The real pipeline (the log fed
 * from Kafka by a sandbox task) is {@code StreamIT}'s.
 */
@QuarkusTest
@TestProfile(EventStreamProfile.class)
class TaskEventStreamTest {

    /** Hang-ups in the resume test: {@code -Dstream.reconnects=100} by default. */
    private static final int RECONNECTS = Integer.getInteger("stream.reconnects", 100);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectMock
    TaskReadModel readModel;

    @InjectMock
    @RestClient
    TaskEventApi taskEvents;

    @Inject
    StreamQuota quota;

    @Inject
    ApiKeyAuthenticator authenticator;

    private final ScriptedEventLog log = new ScriptedEventLog();
    /** task id → owning account: the read model shows a task to its owner only. */
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private String account;
    private String token;

    @BeforeEach
    void setUp() {
        account = ApiTestSupport.newAccount();
        token = ApiTestSupport.newToken(account, "test");
        when(readModel.find(any(Caller.class), anyString(), any(Duration.class))).thenAnswer(call -> {
            Caller caller = call.getArgument(0);
            String id = call.getArgument(1);
            return Uni.createFrom().item(caller.accountId().equals(owners.get(id)) ? view(id) : null);
        });
        when(taskEvents.after(anyList(), anyInt())).thenAnswer(call -> {
            List<StreamCursor> cursors = call.getArgument(0);
            return Uni.createFrom().item(log.after(cursors, call.getArgument(1)));
        });
    }

    @Test
    void aClientHangingUpAtRandomPointsAndResumingGetsExactlyTheUninterruptedStream() throws Exception {
        String task = newTask();
        int total = Math.max(300, RECONNECTS * 3);
        CompletableFuture<SseClient.Read> uninterrupted = CompletableFuture.supplyAsync(() -> readAll(task, null));
        Thread producer = new Thread(() -> produce(task, total));
        producer.start();

        Random random = new Random(Long.getLong("stream.seed", System.nanoTime()));
        List<SseClient.Event> resumed = new ArrayList<>();
        long cursor = 0;
        int hangUps = 0;
        boolean ended = false;
        while (!ended) {
            // Hang up after 1 to 400 bytes (anywhere: inside an event too) until enough hang-ups,
            // then read to the end. Every other reconnect sends ?after= instead of Last-Event-ID.
            int cut = hangUps < RECONNECTS ? 1 + random.nextInt(400) : -1;
            SseClient.Read read = hangUps % 2 == 0 || cursor == 0
                    ? SseClient.read(url(task), token, cursor == 0 ? null : Long.toString(cursor), cut)
                    : SseClient.read(url(task) + "?after=" + cursor, token, null, cut);
            assertThat(read.status()).isEqualTo(200);
            resumed.addAll(read.events());
            cursor = read.lastId(cursor);
            ended = read.endedByServer();
            hangUps += ended ? 0 : 1;
        }
        producer.join();

        List<SseClient.Event> whole = uninterrupted.get(60, TimeUnit.SECONDS).events();
        assertThat(hangUps).isGreaterThanOrEqualTo(RECONNECTS);
        assertThat(whole).hasSize(total);
        assertThat(whole.stream().map(SseClient.Event::id).toList()).isEqualTo(range(1, total));
        assertThat(whole.get(total - 1).type()).isEqualTo(StreamEvent.TASK_COMPLETED);
        assertThat(resumed).isEqualTo(whole);
        assertThat(whole).isEqualTo(expected(task));
        await().atMost(WAIT).until(() -> quota.openStreams(keyOf(token)) == 0);
    }

    @Test
    void aClientConnectingAfterTheEndGetsTheWholeHistoryAndTheClose() throws Exception {
        String task = newTask();
        produce(task, 12);

        SseClient.Read read = SseClient.read(url(task), token, null, -1);

        assertThat(read.status()).isEqualTo(200);
        assertThat(read.contentType()).startsWith("text/event-stream");
        assertThat(read.cacheControl()).isEqualTo("no-cache");
        assertThat(read.endedByServer()).isTrue();
        assertThat(read.events()).isEqualTo(expected(task));
        // Resuming at the terminal event: nothing more, and the close.
        SseClient.Read atEnd = SseClient.read(url(task), token, "12", -1);
        assertThat(atEnd.endedByServer()).isTrue();
        assertThat(atEnd.events()).isEmpty();
        SseClient.Read tail = SseClient.read(url(task) + "?after=9", token, null, -1);
        assertThat(tail.events()).extracting(SseClient.Event::id).containsExactly(10L, 11L, 12L);
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        String task = newTask();
        log.append(task, StreamEvent.TASK_STATUS);

        // 0.3 s heartbeats (EventStreamProfile): 200 bytes hold the opening comment, the event and three or more of them.
        SseClient.Read read = SseClient.read(url(task), token, null, 200);

        assertThat(read.events()).extracting(SseClient.Event::id).containsExactly(1L);
        assertThat(read.comments()).filteredOn("heartbeat"::equals).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aKeyPastItsStreamCapGetsA429ProblemAndAPlaceAgainOnceOneCloses() throws Exception {
        String task = newTask();
        log.append(task, StreamEvent.TASK_STATUS);
        List<CompletableFuture<SseClient.Read>> open = new ArrayList<>();
        for (int i = 0; i < EventStreamProfile.MAX_PER_KEY; i++) {
            open.add(CompletableFuture.supplyAsync(() -> readAll(task, null)));
        }
        await().atMost(WAIT).until(() -> quota.openStreams(keyOf(token)) == EventStreamProfile.MAX_PER_KEY);

        given().auth().oauth2(token).get("/v1/tasks/{id}/events", task)
                .then().statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://api.miteos.com/problems/too-many-streams"))
                .body("status", equalTo(429));
        // Another key of the same account has its own streams.
        String other = ApiTestSupport.newToken(account, "test");
        SseClient.Read otherKey = SseClient.read(url(task), other, null, 200);
        assertThat(otherKey.status()).isEqualTo(200);

        log.append(task, StreamEvent.TASK_CANCELLED);
        for (CompletableFuture<SseClient.Read> stream : open) {
            assertThat(stream.get(30, TimeUnit.SECONDS).endedByServer()).isTrue();
        }
        await().atMost(WAIT).until(() -> quota.openStreams(keyOf(token)) == 0);
        assertThat(SseClient.read(url(task), token, null, -1).status()).isEqualTo(200);
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedRatherThanBufferedFor() throws Exception {
        String task = newTask();
        log.append(task, StreamEvent.TASK_STATUS);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4 * 1024);
            socket.connect(new InetSocketAddress("localhost", RestAssured.port));
            socket.getOutputStream().write(("GET /v1/tasks/" + task + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            await().atMost(WAIT).until(() -> quota.openStreams(keyOf(token)) == 1);

            // 32 MiB of events that the client never reads: more than any socket buffers hold.
            String padding = "x".repeat(32 * 1024);
            for (int i = 0; i < 1_024; i++) {
                log.append(task, StreamEvent.AGENT_UPDATED, padding);
            }

            // The gateway gave up on it (its place is free again) while the socket is still open here.
            await().atMost(WAIT).until(() -> quota.openStreams(keyOf(token)) == 0);
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void anotherAccountsTaskIsNotFoundAndABadCursorIsRefused() throws Exception {
        String task = newTask();
        produce(task, 3);
        String stranger = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");

        given().auth().oauth2(stranger).get("/v1/tasks/{id}/events", task)
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://api.miteos.com/problems/not-found"));
        given().get("/v1/tasks/{id}/events", task).then().statusCode(401);
        given().auth().oauth2(token).header("Last-Event-ID", "seven").get("/v1/tasks/{id}/events", task)
                .then().statusCode(400).body("errors[0].field", equalTo("Last-Event-ID"));
        given().auth().oauth2(token).queryParam("after", "-1").get("/v1/tasks/{id}/events", task)
                .then().statusCode(400).body("errors[0].field", equalTo("after"));
        assertThat(SseClient.read(url(task), token, null, -1).events()).hasSize(3);
    }

    /** Appends {@code total} events, the last one terminal, a little apart, as a running task would. */
    private void produce(String task, int total) {
        for (int i = 1; i <= total; i++) {
            log.append(task, i == total ? StreamEvent.TASK_COMPLETED : i % 3 == 0 ? StreamEvent.COST_UPDATED
                    : StreamEvent.AGENT_UPDATED);
            if (i % 5 == 0 && total > 50) {
                sleep(1);
            }
        }
    }

    private List<SseClient.Event> expected(String task) {
        return log.all(task).stream().map(e -> new SseClient.Event(e.id(), e.type(), e.data())).toList();
    }

    private SseClient.Read readAll(String task, String lastEventId) {
        try {
            return SseClient.read(url(task), token, lastEventId, -1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String newTask() {
        String task = Ids.newId(IdPrefix.TASK);
        owners.put(task, account);
        return task;
    }

    private static TaskView view(String id) {
        Instant now = Instant.now();
        return new TaskView(id, TaskStatus.RUNNING, "prompt", new TaskConfig(3, 50, false, null, null), List.of(), 0, 0,
                null, null, null, now, now);
    }

    private static String url(String task) {
        return "http://localhost:" + RestAssured.port + "/v1/tasks/" + task + "/events";
    }

    private String keyOf(String token) {
        return authenticator.authenticate("Bearer " + token).await().atMost(WAIT).keyId();
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
