package com.miteos.orchestrator.port.warmup;

import io.smallrye.mutiny.Uni;

/**
 * Something a process does once before it joins the command consumer group, so that the first
 * partitions it gets do not pay for it: opening connections, loading and compiling the code that
 * claims and restores tasks. A warm-up changes no state: it reads, or works on values it made up.
 */
public interface WarmUp {

    /** What it warms up, for the log. */
    String name();

    /** Does it; fails or takes long only at the cost of a later join, never of correctness. */
    Uni<Void> run();
}
