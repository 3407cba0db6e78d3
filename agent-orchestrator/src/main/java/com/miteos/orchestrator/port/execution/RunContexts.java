package com.miteos.orchestrator.port.execution;

import io.opentelemetry.context.Context;

/**
 * Where a run executes. A run's start does real work before its first asynchronous call
 * (restoring or planning, the first model call, which for the sandbox model is computed on the
 * spot), and on a cold process that takes seconds. The commands of every task of an instance are
 * processed one at a time on one event loop; a run started there holds them all, so that a pause
 * of another task waits for it. A run therefore starts later, on an execution context of its own
 * away from the commands, where what it starts (its database calls) also comes back.
 */
public interface RunContexts {

    /**
     * Runs {@code start} soon, never inside the caller's turn nor on the event loop of the task
     * commands, on a context of its own whose logging context names the task ({@code task_id},
     * {@code account_id}) and whose current trace context is {@code trace}.
     */
    void start(String taskId, String accountId, Context trace, Runnable start);
}
