package com.miteos.orchestrator.port.journal;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/** The events written with each journaled change, waiting to be published. */
public interface EventOutbox {

    /** Publishes what is waiting now, or right after the pass under way. */
    void wake();

    /** Whether no event is waiting and no pass is under way. */
    Uni<Boolean> drained();

    /** Forgets events published longer than {@code retention} ago; answers how many. */
    Uni<Integer> prune(Duration retention);
}
