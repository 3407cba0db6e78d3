package com.miteos.tasks;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-task event log behind {@code GET /v1/tasks/{id}/events}: fed the orchestrator's events
 * the way Kafka delivers them (status and deliverable events on different topics, so out of
 * order, and every one possibly twice), it must hold the same gapless stream as when fed in order,
 * ending with the terminal event, and a redelivery after the end must append nothing.
 */
@QuarkusTest
class EventLogTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    private InMemorySource<List<String>> source;
    private String account;

    @BeforeEach
    void setUp() {
        source = connector.source("task-events");
        account = Ids.newId(IdPrefix.ACCOUNT);
    }

    @Test
    void eventsInOrderBecomeTheStreamGaplessEndingWithTheTerminalEvent() {
        String task = Ids.newId(IdPrefix.TASK);
        EventLogScript.events(task, account).forEach(this::send);

        List<Map<String, Object>> stream = awaitStream(task, EventLogScript.STREAM_TYPES.size());

        assertThat(stream).extracting(e -> ((Number) e.get("id")).longValue())
                .containsExactlyElementsOf(range(1, EventLogScript.STREAM_TYPES.size()));
        assertThat(stream).extracting(e -> (String) e.get("type")).containsExactlyElementsOf(EventLogScript.STREAM_TYPES);
        assertThat((String) stream.get(0).get("data")).contains("\"status\": \"pending\"");
        assertThat((String) stream.get(6).get("data")).contains("web_search").contains("researcher is running web_search");
        assertThat((String) stream.get(12).get("data")).contains("\"reason\": \"awaiting_approval\"");
        assertThat((String) stream.get(stream.size() - 1).get("data")).contains("\"deliverables_count\": 1");
    }

    @Test
    void shuffledAndRepeatedEventsGiveTheSameStreamAsInOrder() {
        String inOrder = Ids.newId(IdPrefix.TASK);
        String shuffled = Ids.newId(IdPrefix.TASK);
        EventLogScript.events(inOrder, account).forEach(this::send);
        List<EventEnvelope<?>> events = new ArrayList<>(EventLogScript.events(shuffled, account));
        events.addAll(events.subList(2, 6));
        Collections.shuffle(events, new Random(42));
        events.forEach(this::send);
        events.forEach(this::awaitConsumed);

        List<Map<String, Object>> expected = awaitStream(inOrder, EventLogScript.STREAM_TYPES.size());
        List<Map<String, Object>> actual = awaitStream(shuffled, EventLogScript.STREAM_TYPES.size());

        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).get("id")).isEqualTo(expected.get(i).get("id"));
            assertThat(actual.get(i).get("type")).isEqualTo(expected.get(i).get("type"));
            assertThat(((String) actual.get(i).get("data")).replace(shuffled, inOrder))
                    .isEqualTo(expected.get(i).get("data"));
        }
    }

    @Test
    void aRedeliveryAfterTheEndAppendsNothing() {
        String task = Ids.newId(IdPrefix.TASK);
        List<EventEnvelope<?>> events = EventLogScript.events(task, account);
        events.forEach(this::send);
        awaitStream(task, EventLogScript.STREAM_TYPES.size());

        // The same events again (as after a consumer crash), and copies with new event ids (as a
        // producer that published them twice): the inbox skips the first, the applied sequence the second.
        events.forEach(this::send);
        List<EventEnvelope<?>> copies = new ArrayList<>();
        events.forEach(e -> copies.add(EventEnvelope.of(e.taskId(), e.accountId(), e.mode(), e.sequence(), e.payload())));
        copies.forEach(this::send);
        copies.forEach(this::awaitConsumed);

        assertThat(read(task, 0, 1000)).hasSize(EventLogScript.STREAM_TYPES.size());
    }

    @Test
    void aReaderGetsExactlyTheEventsAfterItsCursorAPageAtATime() {
        String task = Ids.newId(IdPrefix.TASK);
        EventLogScript.events(task, account).forEach(this::send);
        List<Map<String, Object>> all = awaitStream(task, EventLogScript.STREAM_TYPES.size());

        List<Map<String, Object>> paged = new ArrayList<>();
        long after = 0;
        List<Map<String, Object>> page;
        while (!(page = read(task, after, 4)).isEmpty()) {
            assertThat(((Number) page.get(0).get("id")).longValue()).isEqualTo(after + 1);
            paged.addAll(page);
            after = ((Number) page.get(page.size() - 1).get("id")).longValue();
        }
        assertThat(paged).isEqualTo(all);
        // A reader that has the terminal event is told the stream ended, with no events.
        Map<String, Object> end = given().contentType(ContentType.JSON)
                .body(List.of(Map.of("task_id", task, "after", all.size()))).post("/internal/task-events")
                .then().statusCode(200).extract().jsonPath().getMap("[0]");
        assertThat(end).containsEntry("end_id", all.size()).containsEntry("events", List.of());
        assertThat(read(task, 9, 1000)).extracting(e -> ((Number) e.get("id")).longValue())
                .containsExactlyElementsOf(range(10, all.size()));
    }

    @Test
    void tooManyCursorsOrANegativeOneAreRefused() {
        given().contentType(ContentType.JSON).body(List.of(Map.of("task_id", "t", "after", -1)))
                .post("/internal/task-events").then().statusCode(400);
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            many.add(Map.of("task_id", "t" + i, "after", 0));
        }
        given().contentType(ContentType.JSON).body(many).post("/internal/task-events").then().statusCode(400);
    }

    private List<Map<String, Object>> awaitStream(String task, int size) {
        await().atMost(WAIT).until(() -> read(task, 0, 1000).size() >= size);
        return read(task, 0, 1000);
    }

    static List<Map<String, Object>> read(String task, long after, int limit) {
        List<Map<String, Object>> answer = given().contentType(ContentType.JSON)
                .body(List.of(Map.of("task_id", task, "after", after), Map.of("task_id", "task_other", "after", 0)))
                .queryParam("limit", limit)
                .post("/internal/task-events")
                .then().statusCode(200).extract().jsonPath().getList("$");
        if (answer.isEmpty()) {
            return List.of();
        }
        assertThat(answer).hasSize(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) ((Map<String, Object>) answer.get(0)).get("events");
        return events;
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private void awaitConsumed(EventEnvelope<?> event) {
        await().atMost(WAIT).until(() -> pool
                .preparedQuery("SELECT 1 FROM processed_events WHERE consumer = 'task-service' AND event_id = $1")
                .execute(Tuple.of(event.eventId())).await().atMost(WAIT).size() == 1);
    }

    private void send(EventEnvelope<?> envelope) {
        source.send(List.of(EventJson.toJson(envelope)));
    }
}
