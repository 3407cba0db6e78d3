package com.miteos.orchestrator.port.commands;

import java.util.concurrent.CompletionStage;

/**
 * The task commands that were already waiting when this process started, or when it got a
 * command partition. Resumed tasks go on only once they are read: a cancel sent while the
 * orchestrator was down, or while the task moved here, then takes effect before any further step.
 */
public interface CommandBacklog {

    /** Completes once the commands present at start-up (in the first partitions this process got) are processed. */
    CompletionStage<Void> caughtUp();

    /**
     * Completes once the commands that were in partition {@code partition} of every command topic
     * when this process got it are processed (at once when it holds no such partition).
     */
    CompletionStage<Void> caughtUp(int partition);
}
