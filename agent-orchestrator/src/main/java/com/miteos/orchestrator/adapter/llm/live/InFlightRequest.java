package com.miteos.orchestrator.adapter.llm.live;

import io.vertx.core.http.HttpClientRequest;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The Vert.x request of one attempt at a model call, so that cancelling the call's {@code Uni}
 * can reset it. LangChain4j's streaming API offers no way to abort a request it has started, so
 * the provider creates one of these per attempt and hands it to that attempt's HTTP client.
 *
 * <p>The provider's one LangChain4j model serves every call, so an attempt's {@code InFlightRequest}
 * cannot travel in the model's HTTP client: {@link #sending} puts it beside the thread for the one
 * synchronous call into LangChain4j that sends the request, and {@link VertxModelHttpClient} takes it
 * from there ({@link #ofRequestBeingSent}). LangChain4j's {@code OpenAiStreamingChatModel} calls
 * the HTTP client on the caller's thread before {@code chat} returns; if it ever stopped doing so,
 * {@link #ofRequestBeingSent} fails the call loudly rather than leaving it uncancellable.
 *
 * <p>Cancellation and the request's arrival race (the request only exists once the connection
 * pool hands one out), so the state is a single atomic slot: empty, the live request, or
 * cancelled. Whoever comes second resets the request.
 */
final class InFlightRequest {

    private static final Object CANCELLED = new Object();

    private static final ThreadLocal<InFlightRequest> SENDING = new ThreadLocal<>();

    private final AtomicReference<Object> state = new AtomicReference<>();

    /** Runs {@code send}, the synchronous call into LangChain4j that sends this attempt's request. */
    void sending(Runnable send) {
        SENDING.set(this);
        try {
            send.run();
        } finally {
            SENDING.remove();
        }
    }

    /** The attempt whose request the calling thread is sending ({@link #sending}). */
    static InFlightRequest ofRequestBeingSent() {
        InFlightRequest attempt = SENDING.get();
        if (attempt == null) {
            throw new IllegalStateException("a model request was sent outside LiveModelProvider's attempt: "
                    + "it could not be cancelled");
        }
        return attempt;
    }

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
