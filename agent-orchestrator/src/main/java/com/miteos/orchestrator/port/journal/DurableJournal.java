package com.miteos.orchestrator.port.journal;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The operational side of the durable journal that runs record their changes in: who hears of
 * tasks this instance lost, and whether everything handed over is written.
 */
public interface DurableJournal {

    /** Who hears of a task this instance lost to another (it stops that run). */
    void onTakenOver(Consumer<String> listener);

    /** Entries waiting for the next transaction (a gauge: it grows when the database is slow or away). */
    int pending();

    /** Completes once every entry handed over so far is written (at once when idle). */
    CompletionStage<Void> whenIdle();
}
