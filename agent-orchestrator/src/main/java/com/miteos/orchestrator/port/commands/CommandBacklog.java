package com.miteos.orchestrator.port.commands;

import java.util.concurrent.CompletionStage;

/**
 * The task commands that were already waiting when this process started. Resumed tasks go on
 * only once they are read: a cancel sent while the orchestrator was down then takes effect
 * before any further step.
 */
public interface CommandBacklog {

    /** Completes once the commands present at start-up are processed. */
    CompletionStage<Void> caughtUp();
}
