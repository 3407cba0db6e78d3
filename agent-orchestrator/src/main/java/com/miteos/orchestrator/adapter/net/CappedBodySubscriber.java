package com.miteos.orchestrator.adapter.net;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body up to a byte limit and then stops reading: the connection is
 * cancelled rather than drained, so a server that sends gigabytes (or never stops) costs us
 * {@code limit} bytes of memory and no more. The JDK's own handlers either buffer everything
 * ({@code ofByteArray}) or read everything and throw it away ({@code discarding}).
 *
 * <p>Buffers are requested one list at a time, so the client never reads far ahead of the
 * limit on our behalf.
 */
public final class CappedBodySubscriber implements HttpResponse.BodySubscriber<CappedBodySubscriber.CappedBody> {

    /** The bytes read, and whether there were more that were not. */
    public record CappedBody(byte[] bytes, boolean truncated) {
    }

    private final int limit;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CompletableFuture<CappedBody> body = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    public CappedBodySubscriber(int limit) {
        this.limit = limit;
    }

    @Override
    public CompletionStage<CappedBody> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (body.isDone()) {
            // Abandoned before the body even started.
            subscription.cancel();
            return;
        }
        if (limit == 0) {
            // Nothing wanted (a redirect, an error page): close instead of reading.
            subscription.cancel();
            body.complete(new CappedBody(new byte[0], false));
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            // Signals already in flight when we cancelled.
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int room = limit - received.size();
            if (buffer.remaining() > room) {
                byte[] chunk = new byte[room];
                buffer.get(chunk);
                received.writeBytes(chunk);
                subscription.cancel();
                body.complete(new CappedBody(received.toByteArray(), true));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            received.writeBytes(chunk);
        }
        subscription.request(1);
    }

    /**
     * Stops reading because nobody waits for the body any more (the fetch timed out or was
     * cancelled). Cancelling the future of {@code sendAsync} does not do this once the headers
     * are in: without it a server that stalls mid-body would keep the connection open.
     */
    void abandon() {
        body.completeExceptionally(new CancellationException("the fetch was abandoned"));
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(new CappedBody(received.toByteArray(), false));
    }
}
