package com.miteos.orchestrator.application.supervisor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most runs this instance executes at once ({@code 0}: no limit). A run over the limit
 * waits in line (its task stays {@code pending} or where it was) and starts, in order, as soon
 * as another one ends. It bounds what one replica takes on; the others take their partitions'
 * share.
 */
final class RunSlots {

    private final int limit;
    private final AtomicInteger inUse = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    RunSlots(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("miteos.agents.max-running-tasks must be 0 (no limit) or positive, not "
                    + limit);
        }
        this.limit = limit;
    }

    /** Runs {@code start} now if a slot is free, or once one is; the run gives its slot back with {@link #release()}. */
    void acquire(Runnable start) {
        if (limit == 0) {
            start.run();
            return;
        }
        waiting.add(start);
        startWaiting();
    }

    /** A run that held a slot ended. */
    void release() {
        if (limit == 0) {
            return;
        }
        inUse.decrementAndGet();
        startWaiting();
    }

    /** Runs waiting for a slot (a gauge). */
    int waiting() {
        return waiting.size();
    }

    private void startWaiting() {
        while (!waiting.isEmpty()) {
            int used = inUse.get();
            if (used >= limit) {
                return;
            }
            if (!inUse.compareAndSet(used, used + 1)) {
                continue;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                inUse.decrementAndGet();
                continue;
            }
            next.run();
        }
    }
}
