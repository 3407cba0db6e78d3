package com.miteos.gateway.rest;

import com.miteos.gateway.service.EventSink;
import com.miteos.model.view.StreamEvent;
import com.miteos.model.view.StreamEvents;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's {@code text/event-stream} response. Everything it writes runs on the connection's
 * own Vert.x context, in call order, so its cursor needs no lock. It writes only the event with id
 * {@code cursor + 1} next (an event it has, or one after a gap, is never written), which is what
 * makes a resumed stream free of gaps and repeats whatever the poller hands it.
 *
 * <p>A client that does not read is not buffered for: when the connection's write queue is full
 * (Vert.x's bound, about 64 KiB) at the next write (a batch of events or a heartbeat), the
 * connection is closed and the client must resume with {@code Last-Event-ID}. The queue is checked
 * before a batch, not between its events, so that a client catching up on a long history is not
 * cut off by its own burst; a batch is at most one poller page.
 */
final class SseConnection implements EventSink {

    private final String taskId;
    private final HttpServerResponse response;
    private final Context context;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long cursor;

    SseConnection(String taskId, long after, HttpServerResponse response, Context context, Runnable onEnd) {
        this.taskId = taskId;
        this.cursor = after;
        this.response = response;
        this.context = context;
        this.onEnd = onEnd;
    }

    @Override
    public String taskId() {
        return taskId;
    }

    @Override
    public long cursor() {
        return cursor;
    }

    @Override
    public void deliver(StreamEvents batch) {
        context.runOnContext(v -> {
            if (ended.get()) {
                return;
            }
            if (batch.endId() != null && cursor >= batch.endId()) {
                end();
                return;
            }
            List<StreamEvent> events = batch.events();
            StringBuilder out = new StringBuilder();
            long next = cursor;
            boolean terminal = false;
            for (StreamEvent event : events) {
                if (event.id() <= next) {
                    continue;
                }
                if (event.id() != next + 1) {
                    break;
                }
                out.append("id: ").append(event.id()).append('\n')
                        .append("event: ").append(event.type()).append('\n')
                        .append("data: ").append(event.data()).append("\n\n");
                next = event.id();
                if (event.isTerminal()) {
                    terminal = true;
                    break;
                }
            }
            if (next == cursor || !write(out.toString())) {
                return;
            }
            cursor = next;
            if (terminal) {
                end();
            }
        });
    }

    @Override
    public void heartbeat() {
        context.runOnContext(v -> {
            if (!ended.get()) {
                write(": heartbeat\n\n");
            }
        });
    }

    @Override
    public void close() {
        context.runOnContext(v -> end());
    }

    /** The client left (or the connection broke): nothing more is written. */
    void gone() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    private boolean write(String text) {
        if (response.writeQueueFull()) {
            Log.infof("task %s: event stream client is not reading, disconnected at event %d", taskId, cursor);
            response.reset();
            gone();
            return false;
        }
        response.write(text);
        return true;
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            response.end();
            onEnd.run();
        }
    }
}
