package com.miteos.orchestrator.port.journal;

import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Set;

/**
 * This orchestrator instance among its peers: its name (the owner of the tasks it runs) and its
 * heartbeat. An instance that stops heartbeating for longer than the owner timeout is taken
 * for dead, and its unfinished tasks are resumed by another (or by itself, restarted).
 */
public interface InstanceRegistry {

    /** This instance's name, the owner of the tasks it runs. */
    String id();

    /** Says this instance is alive. */
    Uni<Void> heartbeat();

    /** Leaves the registry on shutdown: this instance's tasks may be taken over at once. */
    Uni<Void> leave();

    /** Which of the tasks running here have a cancel recorded (by whichever instance read it). */
    Uni<List<String>> cancelledHere(Set<String> running);
}
