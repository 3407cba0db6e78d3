package com.miteos.orchestrator.adapter.llm.live;

import io.vertx.core.http.HttpClientRequest;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The Vert.x request of one attempt at a model call, so that cancelling the call's {@code Uni}
 * can reset it. LangChain4j's streaming API offers no way to abort a request it has started, so
 * the provider creates one of these per attempt and hands it to that attempt's HTTP client.
 *
 * <p>Cancellation and the request's arrival race (the request only exists once the connection
 * pool hands one out), so the state is a single atomic slot: empty, the live request, or
 * cancelled. Whoever comes second resets the request.
 */
final class InFlightRequest {

    private static final Object CANCELLED = new Object();

    private final AtomicReference<Object> state = new AtomicReference<>();

    /**
     * Records the request that is about to be sent. Answers false, having reset the request, when
     * the call was cancelled before the request existed: the caller must then not send it.
     */
    boolean attach(HttpClientRequest request) {
        if (state.compareAndSet(null, request)) {
            return true;
        }
        request.reset();
        return false;
    }

    /** Forgets a request whose answer has fully arrived, so that a late cancel does not reset a pooled connection. */
    void detach(HttpClientRequest request) {
        state.compareAndSet(request, null);
    }

    /** Aborts the request if one is in flight, and any request attached from now on. Safe from any thread. */
    void cancel() {
        Object previous = state.getAndSet(CANCELLED);
        if (previous instanceof HttpClientRequest request) {
            request.reset();
        }
    }

    boolean isCancelled() {
        return state.get() == CANCELLED;
    }
}
