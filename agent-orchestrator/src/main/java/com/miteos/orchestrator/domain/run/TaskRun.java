package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import io.smallrye.mutiny.subscription.Cancellable;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The live state of one task while the orchestrator runs it, and the only place that changes
 * it. Each public change is one {@link JournalEntry}: the state after it, the full
 * {@link TaskStatusChanged} snapshot (and any deliverable) with the next sequence numbers, and
 * the agent checkpoint it completed, written together. The run's lock makes changes and their
 * entries happen in one order.
 *
 * <p>The state lives in small parts ({@link RunLifecycle}, {@link AgentRoster},
 * {@link PauseGate}, {@link CostLedger}, {@link BudgetCap}, {@link FileQuota}, {@link CommandLog},
 * {@link ActiveTimeClock}, {@link EventRecorder}, {@link RunningWork}), each guarded by this
 * lock; callers reach them through narrow views: {@link #plan()}, {@link #pauseControl()},
 * {@link #agentSteps()} and {@link #files()}.
 *
 * <p>Once the task is terminal nothing changes any more: late agent updates, costs and files
 * of a cancelled task are dropped, which is what makes cancel "charge nothing more". A suspended
 * run (the orchestrator is stopping) records nothing more either: it goes on from its last
 * entry when resumed.
 */
public final class TaskRun {

    private final String taskId;
    private final String accountId;
    private final Mode mode;
    private final String prompt;
    private final TaskConfig config;

    final RunLifecycle lifecycle = new RunLifecycle();
    final AgentRoster roster = new AgentRoster();
    final PauseGate pauses = new PauseGate();
    final CostLedger ledger = new CostLedger();
    final BudgetCap budget;
    final CommandLog commands = new CommandLog();
    final ActiveTimeClock clock = new ActiveTimeClock();
    final EventRecorder recorder;
    private final RunningWork work = new RunningWork();
    private final RunPlan plan = new RunPlan(this);
    private final PauseControl pauseControl = new PauseControl(this);
    private final AgentSteps agentSteps = new AgentSteps(this);
    private final RunBudget runBudget = new RunBudget(this);
    private final RunFiles files = new RunFiles(this);

    public TaskRun(String taskId, String accountId, Mode mode, String prompt, TaskConfig config, RunJournal journal) {
        this.taskId = taskId;
        this.accountId = accountId;
        this.mode = mode;
        this.prompt = prompt;
        this.config = config;
        this.budget = new BudgetCap(config.maxCost());
        this.recorder = new EventRecorder(taskId, accountId, mode, journal);
    }

    /** A run that goes on from its last recorded state and agent checkpoints. */
    public static TaskRun restore(String taskId, String accountId, Mode mode, String prompt, TaskConfig config,
            RunJournal journal, RunState state, List<Checkpoint> checkpoints) {
        TaskRun run = new TaskRun(taskId, accountId, mode, prompt, config, journal);
        if (state != null) {
            run.lifecycle.restore(state);
            run.recorder.restore(state.sequence());
            run.plan.restore(state.plan());
            run.roster.restore(state.agents());
            run.files.restore(state);
            run.ledger.restore(state);
            run.budget.restore(state);
            run.pauses.restore(state);
            run.commands.restore(state.appliedCommands());
            run.clock.restore(state);
        }
        run.agentSteps.restore(checkpoints);
        return run;
    }

    public String taskId() {
        return taskId;
    }

    public String accountId() {
        return accountId;
    }

    public Mode mode() {
        return mode;
    }

    public String prompt() {
        return prompt;
    }

    public TaskConfig config() {
        return config;
    }

    /** The plan: planning, the planner's work items, their approval. */
    public RunPlan plan() {
        return plan;
    }

    /** Pauses, resumes, approvals and the gate agents wait at. */
    public PauseControl pauseControl() {
        return pauseControl;
    }

    /** The agents: their status, and their model and tool calls with cost and checkpoint. */
    public AgentSteps agentSteps() {
        return agentSteps;
    }

    /** The budget cap and the prices reserved under it. */
    public RunBudget budget() {
        return runBudget;
    }

    /** The task's files and the room reserved for them. */
    public RunFiles files() {
        return files;
    }

    public synchronized TaskStatus status() {
        return lifecycle.status();
    }

    public synchronized boolean isFinished() {
        return lifecycle.isTerminal();
    }

    /** Whether the run was stopped for a shutdown; its task goes on when it is resumed. */
    /** How many of its agents have not finished (queued, thinking, acting or waiting). */
    public synchronized int activeAgents() {
        return (int) roster.snapshot().stream().filter(agent -> !agent.status().isFinished()).count();
    }

    public synchronized boolean isSuspended() {
        return lifecycle.isSuspended();
    }

    public synchronized Optional<Deployment> deployment() {
        return Optional.ofNullable(lifecycle.deployment());
    }

    public synchronized void deployment(Deployment outcome) {
        if (!lifecycle.isTerminal()) {
            lifecycle.deployment(outcome);
            emitStatus();
            record();
        }
    }

    /** Keeps a handle on running work, so that cancelling the task stops it. */
    public void track(Cancellable cancellable) {
        boolean cancelNow;
        synchronized (this) {
            cancelNow = lifecycle.isStopped();
            if (!cancelNow) {
                work.add(cancellable);
            }
        }
        if (cancelNow) {
            cancellable.cancel();
        }
    }

    /** A user pause: the task is paused now, and each agent stops at its next step boundary. */
    public void pause() {
        pauseControl.pause(null);
    }

    /** A user pause by command: see {@link PauseControl#pause(String)}. */
    public CompletionStage<Void> pause(String commandId) {
        return pauseControl.pause(commandId);
    }

    /** A resume by command: see {@link PauseControl#resume(String, String)}. */
    public CompletionStage<Void> resume(String message, String commandId) {
        return pauseControl.resume(message, commandId);
    }

    /**
     * How long the task will have worked at {@code at}, if nothing changes until then: wall-clock
     * time since it started, less the time it was paused.
     */
    public synchronized Duration activeTime(Instant at) {
        return clock.activeTime(at);
    }

    public synchronized void complete() {
        roster.finishAll(AgentStatus.DONE);
        move(TaskStatus.COMPLETE);
        record();
    }

    public void fail(TaskError reason) {
        end(TaskStatus.FAILED, AgentStatus.FAILED, reason);
    }

    /** Cancels the task: agents stop at once and no further event, cost or file is accepted. */
    public void cancel() {
        end(TaskStatus.CANCELLED, AgentStatus.CANCELLED, null);
    }

    private void end(TaskStatus end, AgentStatus agentsEnd, TaskError reason) {
        List<Cancellable> running;
        synchronized (this) {
            if (lifecycle.isStopped()) {
                return;
            }
            if (reason != null) {
                lifecycle.failWith(reason);
            }
            roster.finishAll(agentsEnd);
            move(end);
            record();
            running = work.all();
        }
        running.forEach(Cancellable::cancel);
    }

    /**
     * Stops the run without changing the task: nothing more is recorded, and the task goes on
     * from its last record when it is resumed (the orchestrator is stopping).
     */
    public void suspend() {
        List<Cancellable> running;
        synchronized (this) {
            lifecycle.suspend();
            running = work.all();
        }
        running.forEach(Cancellable::cancel);
    }

    // What the parts and views share; called under the lock.

    void addCost(String agentId, BigDecimal credits) {
        if (ledger.add(credits)) {
            roster.charge(agentId, credits);
        }
    }

    void enterPause() {
        if (lifecycle.pause()) {
            pauses.close();
            clock.pauseStarted();
        }
        showPause();
    }

    void showPause() {
        lifecycle.show(pauses.detail());
        emitStatus();
    }

    void move(TaskStatus next) {
        RunLifecycle.Move moved = lifecycle.move(next);
        if (moved == RunLifecycle.Move.NONE) {
            return;
        }
        if (moved == RunLifecycle.Move.ENDED) {
            clock.pauseEnded();
        }
        emitStatus();
        if (moved == RunLifecycle.Move.ENDED) {
            // Anything still waiting at the gate must not wait for ever; it finds the task ended.
            pauses.release().complete(null);
        }
    }

    void emitStatus() {
        recorder.emit(new TaskStatusChanged(lifecycle.status(), roster.snapshot(), ledger.cost().stripTrailingZeros(),
                files.count(), lifecycle.error(), lifecycle.statusDetail(), lifecycle.deployment(),
                EventRecorder.now()));
    }

    CompletionStage<Void> record() {
        return record(null);
    }

    /** Hands the change made under the lock to the journal, as one entry. */
    CompletionStage<Void> record(Checkpoint checkpoint) {
        return recorder.record(lifecycle.isSuspended(), lifecycle.isTerminal(), this::state, checkpoint);
    }

    /** The state a record of the run writes now: each part's snapshot. */
    RunState state() {
        FileQuota quota = files.quota();
        return new RunState(lifecycle.status(), lifecycle.statusBeforePause(), recorder.sequence(), plan.items(),
                pauses.planApproved(), pauses.deployApproved(), roster.snapshot(), files.list(), quota.namesByCall(),
                files.beforeSynthesis(), ledger.cost(), ledger.tokens(), lifecycle.error(), lifecycle.statusDetail(),
                lifecycle.deployment(), pauses.pausedByUser(), pauses.pendingApproval(), pauses.userMessages(),
                commands.snapshot(), quota.reservedNames(), quota.reservedBytes(), clock.startedAt(),
                clock.pausedMillis(), clock.pausedSince(), budget.maxCost(), pauses.budgetHold());
    }
}
