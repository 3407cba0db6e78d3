package com.miteos.orchestrator.port.journal;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/** The events written with each journaled change, waiting to be published. */
public interface EventOutbox {

    /** Publishes what is waiting now, or right after the pass under way. */
    void wake();

    /** The position of the newest event written so far ({@code 0}: none yet). */
    Uni<Long> newest();

    /**
     * Whether every event up to {@code position} is published. Events written later (by the
     * other instances of a scaled-out orchestrator, which publish them too) are not waited for.
     */
    Uni<Boolean> publishedUpTo(long position);

    /** Forgets events published longer than {@code retention} ago; answers how many. */
    Uni<Integer> prune(Duration retention);
}
