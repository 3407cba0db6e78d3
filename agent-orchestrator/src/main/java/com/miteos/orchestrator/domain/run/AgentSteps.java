package com.miteos.orchestrator.domain.run;

import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.TaskStatus;
import io.smallrye.mutiny.Uni;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

/**
 * The agents' side of a run: starting them, their status, and each completed model or tool
 * call recorded with its cost and the conversation that holds it (the checkpoint a restarted
 * orchestrator goes on from). Once the task has ended, nothing is charged or recorded any more.
 */
public final class AgentSteps {

    private final TaskRun run;
    private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();

    AgentSteps(TaskRun run) {
        this.run = run;
    }

    void restore(List<Checkpoint> saved) {
        saved.forEach(c -> checkpoints.put(c.conversation(), c));
    }

    /** The last checkpoint of a conversation, when the run was restored from one. */
    public Optional<Checkpoint> checkpoint(String conversation) {
        synchronized (run) {
            return Optional.ofNullable(checkpoints.get(conversation));
        }
    }

    /** The plan is made: one queued agent per work item, and the task is running. A restored run keeps its agents. */
    public List<String> start(List<String> types) {
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return List.of();
            }
            if (!run.roster.isEmpty()) {
                return run.roster.ids();
            }
            List<String> ids = run.roster.start(types);
            run.move(TaskStatus.RUNNING);
            run.record();
            return ids;
        }
    }

    public void update(String agentId, AgentStatus status, String currentTool, int progress) {
        synchronized (run) {
            if (!run.lifecycle.isTerminal() && run.roster.update(agentId, status, currentTool, progress)) {
                run.emitStatus();
                run.record();
            }
        }
    }

    /**
     * A model call of an agent answered: its cost and the conversation that now holds the answer
     * are recorded together, so a call repeated after a crash is never counted twice. Answers the
     * task's token total once the record is durable.
     */
    public Uni<Long> modelAnswered(String agentId, Checkpoint checkpoint, BigDecimal credits, long tokensUsed) {
        CompletionStage<Void> durable;
        long total;
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return ended();
            }
            total = run.ledger.addTokens(tokensUsed);
            run.addCost(agentId, credits);
            checkpoints.put(checkpoint.conversation(), checkpoint);
            run.emitStatus();
            durable = run.record(checkpoint);
        }
        return Uni.createFrom().completionStage(durable).replaceWith(total);
    }

    /** A tool call of an agent completed: its fee and the conversation holding its result, together. */
    public Uni<Void> toolDone(String agentId, Checkpoint checkpoint, BigDecimal credits) {
        CompletionStage<Void> durable;
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return ended();
            }
            run.addCost(agentId, credits);
            checkpoints.put(checkpoint.conversation(), checkpoint);
            if (credits.signum() > 0) {
                run.emitStatus();
            }
            durable = run.record(checkpoint);
        }
        return Uni.createFrom().completionStage(durable);
    }

    /** A conversation finished with a summary; the agent shows {@code agentStatus} (if any) from now on. */
    public Uni<Void> conversationFinished(String agentId, Checkpoint checkpoint, AgentStatus agentStatus) {
        CompletionStage<Void> durable;
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return ended();
            }
            checkpoints.put(checkpoint.conversation(), checkpoint);
            if (agentStatus != null
                    && run.roster.update(agentId, agentStatus, null, agentStatus == AgentStatus.DONE ? 100 : 0)) {
                run.emitStatus();
            }
            durable = run.record(checkpoint);
        }
        return Uni.createFrom().completionStage(durable);
    }

    /**
     * Charges credits to the task and, when an agent made the call, to that agent (planning has
     * none). Answers false, and charges nothing, once the task is terminal.
     */
    public boolean charge(String agentId, BigDecimal credits) {
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return false;
            }
            if (credits.signum() > 0) {
                run.addCost(agentId, credits);
                run.emitStatus();
                run.record();
            }
            return true;
        }
    }

    private <T> Uni<T> ended() {
        return Uni.createFrom().failure(new CancellationException("task " + run.taskId() + " has ended"));
    }
}
