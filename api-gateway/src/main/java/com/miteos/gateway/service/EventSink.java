package com.miteos.gateway.service;

import com.miteos.model.view.StreamEvents;

/**
 * One open event stream of one task, as {@link EventStreamHub} feeds it: the HTTP layer writes
 * what it is given to its client. Calls may come from any thread; an implementation runs them in
 * order on its connection's own.
 */
public interface EventSink {

    String taskId();

    /** The id of the last event this stream has written (0: none); the next one it needs is this + 1. */
    long cursor();

    /**
     * The task's events after some earlier cursor, in id order without gaps. The sink writes those
     * after its own cursor, only ever id {@code cursor + 1} next, and ends the stream after a terminal
     * one, or when its cursor is at the stream's end ({@link StreamEvents#endId()}) already.
     */
    void deliver(StreamEvents events);

    /** Writes a comment line, so the client and anything between know the stream is alive. */
    void heartbeat();

    /** Ends the stream (the gateway is stopping): the client reconnects, to this or another replica. */
    void close();
}
