package com.miteos.gateway.service;

import com.miteos.gateway.client.TaskEventApi;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.model.view.StreamCursor;
import com.miteos.model.view.StreamEvents;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feeds every open event stream of this gateway from task-service's event logs with one poller:
 * every {@code poll-interval} it sends task-service the cursors of all open streams (one call per
 * {@value #BATCH} tasks; streams of one task share the lowest cursor) and hands each stream the
 * events after it. A new stream is caught up at once rather than at the next tick. Thousands of
 * open streams thus cost a few calls a second, not a connection each.
 *
 * <p>The history lives in task-service, not here: a stream can be served by any replica and resumed
 * on another. Passes never overlap; a failed pass is logged and the next one retries, the streams
 * stay open meanwhile (heartbeats go on). A second ticker writes every stream's heartbeat.
 */
@ApplicationScoped
public class EventStreamHub {

    /** The most tasks one call asks about (task-service's limit). */
    static final int BATCH = 1_000;
    /**
     * The most events of one task one call answers; a task with more gets the rest at the next tick
     * (a catch-up of 500 events a second at the default interval). It also bounds what a stream
     * writes at once: a client that does not read is disconnected at the next write after its
     * connection's queue filled, so at most one page is buffered beyond that queue.
     */
    static final int PAGE = 100;

    private final TaskEventApi events;
    private final Duration pollInterval;
    private final Duration heartbeatInterval;
    private final Set<EventSink> sinks = ConcurrentHashMap.newKeySet();
    private final List<Cancellable> tickers = new ArrayList<>();

    public EventStreamHub(@RestClient TaskEventApi events, GatewayConfig config) {
        this.events = events;
        this.pollInterval = config.streams().pollInterval();
        this.heartbeatInterval = config.streams().heartbeatInterval();
    }

    void start(@Observes StartupEvent startup) {
        tickers.add(Multi.createFrom().ticks().every(pollInterval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> pass())
                .subscribe().with(pass -> { }, failure -> Log.error("event stream poller stopped", failure)));
        tickers.add(Multi.createFrom().ticks().every(heartbeatInterval)
                .subscribe().with(tick -> sinks.forEach(EventSink::heartbeat),
                        failure -> Log.error("event stream heartbeat stopped", failure)));
    }

    /** Ends every open stream: its client reconnects, to another replica or to this one restarted. */
    void stop(@Observes ShutdownEvent shutdown) {
        tickers.forEach(Cancellable::cancel);
        List.copyOf(sinks).forEach(EventSink::close);
        sinks.clear();
    }

    /** Starts feeding {@code sink}, beginning at once with what it has missed. */
    public void open(EventSink sink) {
        sinks.add(sink);
        poll(List.of(sink)).subscribe().with(done -> { }, failure -> { });
    }

    /** Stops feeding {@code sink} (its client left, or it ended). */
    public void closed(EventSink sink) {
        sinks.remove(sink);
    }

    /** How many streams this gateway feeds. */
    public int openStreams() {
        return sinks.size();
    }

    /** One pass over every open stream (the timer runs them; tests may too). It never fails. */
    public Uni<Void> pass() {
        return poll(List.copyOf(sinks));
    }

    private Uni<Void> poll(List<EventSink> open) {
        return Uni.createFrom().deferred(() -> ask(open))
                .onFailure().invoke(e -> Log.warnf("event streams: task-service not asked, next pass retries: %s",
                        e.toString()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> ask(List<EventSink> open) {
        if (open.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, List<EventSink>> byTask = new HashMap<>();
        Map<String, Long> lowest = new HashMap<>();
        for (EventSink sink : open) {
            byTask.computeIfAbsent(sink.taskId(), id -> new ArrayList<>()).add(sink);
            lowest.merge(sink.taskId(), sink.cursor(), Math::min);
        }
        List<StreamCursor> cursors = new ArrayList<>(lowest.size());
        lowest.forEach((task, after) -> cursors.add(new StreamCursor(task, after)));
        List<Uni<Void>> calls = new ArrayList<>();
        for (int from = 0; from < cursors.size(); from += BATCH) {
            List<StreamCursor> batch = cursors.subList(from, Math.min(from + BATCH, cursors.size()));
            calls.add(events.after(batch, PAGE).invoke(answer -> deliver(answer, byTask)).replaceWithVoid());
        }
        return Uni.join().all(calls).andCollectFailures().replaceWithVoid();
    }

    private static void deliver(List<StreamEvents> answer, Map<String, List<EventSink>> byTask) {
        for (StreamEvents task : answer) {
            List<EventSink> readers = byTask.get(task.taskId());
            if (readers != null) {
                readers.forEach(sink -> sink.deliver(task));
            }
        }
    }
}
