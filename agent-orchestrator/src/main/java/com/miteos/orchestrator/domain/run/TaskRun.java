package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.domain.files.FileNames;
import com.miteos.orchestrator.domain.files.StoredFile;
import com.miteos.orchestrator.domain.run.RunJournal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The live state of one task while the orchestrator runs it, and the only place that changes
 * it. Each public change is one {@link JournalEntry}: the state after it, the full
 * {@link TaskStatusChanged} snapshot (and any deliverable) with the next sequence numbers, and
 * the agent checkpoint it completed, written together. The lock makes changes and their entries
 * happen in one order.
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
    private final RunJournal journal;

    private TaskStatus status = TaskStatus.PENDING;
    private List<WorkItem> plan;
    private boolean planApproved;
    private boolean deployApproved;
    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    private final Map<String, StoredFile> files = new LinkedHashMap<>();
    /** The file name each write_file call was given, by tool call id. */
    private final Map<String, String> filesByCall = new LinkedHashMap<>();
    private Integer filesBeforeSynthesis;
    private BigDecimal cost = BigDecimal.ZERO;
    private long tokens;
    private TaskError error;
    private StatusDetail statusDetail;
    private Deployment deployment;
    private TaskStatus statusBeforePause;
    private boolean pausedByUser;
    private PendingAction pendingApproval;
    private long startedAt = System.currentTimeMillis();
    private long pausedSince;
    private long pausedMillis;
    private CompletableFuture<Void> resumed = CompletableFuture.completedFuture(null);
    private final List<String> userMessages = new ArrayList<>();
    private long sequence;
    private long reservedBytes;
    private final Set<String> reservedNames = new LinkedHashSet<>();
    private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
    private final List<Cancellable> work = new ArrayList<>();
    /** Pause and resume commands applied, by event id, so a redelivered one does nothing. */
    private final Set<String> appliedCommands = new LinkedHashSet<>();
    static final int REMEMBERED_COMMANDS = 100;
    private final List<EventEnvelope<?>> unrecorded = new ArrayList<>();
    private boolean suspended;
    private boolean endRecorded;

    public TaskRun(String taskId, String accountId, Mode mode, String prompt, TaskConfig config, RunJournal journal) {
        this.taskId = taskId;
        this.accountId = accountId;
        this.mode = mode;
        this.prompt = prompt;
        this.config = config;
        this.journal = journal;
    }

    /** A run that goes on from its last recorded state and agent checkpoints. */
    public static TaskRun restore(String taskId, String accountId, Mode mode, String prompt, TaskConfig config,
            RunJournal journal, RunState state, List<Checkpoint> checkpoints) {
        TaskRun run = new TaskRun(taskId, accountId, mode, prompt, config, journal);
        if (state != null) {
            run.load(state);
        }
        checkpoints.forEach(c -> run.checkpoints.put(c.conversation(), c));
        return run;
    }

    private void load(RunState state) {
        status = state.status();
        statusBeforePause = state.statusBeforePause();
        sequence = state.sequence();
        plan = state.plan();
        planApproved = state.planApproved();
        deployApproved = state.deployApproved();
        state.agents().forEach(a -> agents.put(a.id(), a));
        state.files().forEach(f -> files.put(f.name(), f));
        filesByCall.putAll(state.filesByCall());
        filesBeforeSynthesis = state.filesBeforeSynthesis();
        cost = state.cost();
        tokens = state.tokens();
        error = state.error();
        statusDetail = state.statusDetail();
        deployment = state.deployment();
        pausedByUser = state.pausedByUser();
        pendingApproval = state.pendingApproval();
        userMessages.addAll(state.userMessages());
        appliedCommands.addAll(state.appliedCommands());
        reservedNames.addAll(state.reservedNames());
        reservedBytes = state.reservedBytes();
        startedAt = state.startedAtMillis();
        pausedMillis = state.pausedMillis();
        pausedSince = state.pausedSinceMillis();
        if (status == TaskStatus.PAUSED) {
            resumed = new CompletableFuture<>();
        }
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

    public synchronized TaskStatus status() {
        return status;
    }

    public synchronized boolean isFinished() {
        return status.isTerminal();
    }

    /** Whether the run was stopped for a shutdown; its task goes on when it is resumed. */
    public synchronized boolean isSuspended() {
        return suspended;
    }

    public synchronized BigDecimal cost() {
        return cost;
    }

    public synchronized List<StoredFile> files() {
        return List.copyOf(files.values());
    }

    public synchronized Optional<StoredFile> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    /** The plan, once the planner made it (also after a restart). */
    public synchronized List<WorkItem> plan() {
        return plan;
    }

    public synchronized boolean planApproved() {
        return planApproved;
    }

    /** Whether the user approved the deploy (also after a restart: it is not asked again). */
    public synchronized boolean deployApproved() {
        return deployApproved;
    }

    /** The last checkpoint of a conversation, when the run was restored from one. */
    public synchronized Optional<Checkpoint> checkpoint(String conversation) {
        return Optional.ofNullable(checkpoints.get(conversation));
    }

    public synchronized Optional<Deployment> deployment() {
        return Optional.ofNullable(deployment);
    }

    /** Keeps a handle on running work, so that cancelling the task stops it. */
    public void track(Cancellable cancellable) {
        boolean cancelNow;
        synchronized (this) {
            cancelNow = status.isTerminal() || suspended;
            if (!cancelNow) {
                work.add(cancellable);
            }
        }
        if (cancelNow) {
            cancellable.cancel();
        }
    }

    /** Planning starts; a restored run that is past it stays where it is. */
    public synchronized void planning() {
        if (status == TaskStatus.PENDING || status == TaskStatus.PAUSED && statusBeforePause == TaskStatus.PENDING) {
            move(TaskStatus.PLANNING);
            record();
        }
    }

    /** The planner made the plan; its model calls are charged together with it. */
    public synchronized void planned(List<WorkItem> items, BigDecimal credits, long tokensUsed) {
        if (status.isTerminal()) {
            return;
        }
        plan = List.copyOf(items);
        tokens += tokensUsed;
        addCost(null, credits);
        emitStatus();
        record();
    }

    /** The plan is made: one queued agent per work item, and the task is running. A restored run keeps its agents. */
    public synchronized List<String> startAgents(List<String> types) {
        if (status.isTerminal()) {
            return List.of();
        }
        if (!agents.isEmpty()) {
            return List.copyOf(agents.keySet());
        }
        List<String> ids = new ArrayList<>();
        for (String type : types) {
            String id = Ids.newId(IdPrefix.AGENT);
            agents.put(id, new AgentState(id, type, AgentStatus.QUEUED, null, 0, BigDecimal.ZERO));
            ids.add(id);
        }
        move(TaskStatus.RUNNING);
        record();
        return ids;
    }

    public synchronized void agent(String agentId, AgentStatus agentStatus, String currentTool, int progress) {
        if (setAgent(agentId, agentStatus, currentTool, progress)) {
            emitStatus();
            record();
        }
    }

    private boolean setAgent(String agentId, AgentStatus agentStatus, String currentTool, int progress) {
        AgentState current = agents.get(agentId);
        if (status.isTerminal() || current == null || current.status().isFinished()) {
            return false;
        }
        // Progress never goes backwards, whatever order updates arrive in.
        agents.put(agentId, new AgentState(agentId, current.type(), agentStatus, currentTool,
                Math.max(current.progress(), progress), current.cost()));
        return true;
    }

    /**
     * A model call of an agent answered: its cost and the conversation that now holds the answer
     * are recorded together, so a call repeated after a crash is never counted twice. Answers the
     * task's token total once the record is durable.
     */
    public Uni<Long> modelAnswered(String agentId, Checkpoint checkpoint, BigDecimal credits, long tokensUsed) {
        CompletionStage<Void> durable;
        long total;
        synchronized (this) {
            if (status.isTerminal()) {
                return ended();
            }
            tokens += tokensUsed;
            total = tokens;
            addCost(agentId, credits);
            checkpoints.put(checkpoint.conversation(), checkpoint);
            emitStatus();
            durable = record(checkpoint);
        }
        return Uni.createFrom().completionStage(durable).replaceWith(total);
    }

    /** A tool call of an agent completed: its fee and the conversation holding its result, together. */
    public Uni<Void> toolDone(String agentId, Checkpoint checkpoint, BigDecimal credits) {
        CompletionStage<Void> durable;
        synchronized (this) {
            if (status.isTerminal()) {
                return ended();
            }
            addCost(agentId, credits);
            checkpoints.put(checkpoint.conversation(), checkpoint);
            if (credits.signum() > 0) {
                emitStatus();
            }
            durable = record(checkpoint);
        }
        return Uni.createFrom().completionStage(durable);
    }

    /** A conversation finished with a summary; the agent shows {@code agentStatus} (if any) from now on. */
    public Uni<Void> conversationFinished(String agentId, Checkpoint checkpoint, AgentStatus agentStatus) {
        CompletionStage<Void> durable;
        synchronized (this) {
            if (status.isTerminal()) {
                return ended();
            }
            checkpoints.put(checkpoint.conversation(), checkpoint);
            if (agentStatus != null
                    && setAgent(agentId, agentStatus, null, agentStatus == AgentStatus.DONE ? 100 : 0)) {
                emitStatus();
            }
            durable = record(checkpoint);
        }
        return Uni.createFrom().completionStage(durable);
    }

    private <T> Uni<T> ended() {
        return Uni.createFrom().failure(new CancellationException("task " + taskId + " has ended"));
    }

    /**
     * Charges credits to the task and, when an agent made the call, to that agent (planning has
     * none). Answers false, and charges nothing, once the task is terminal.
     */
    public synchronized boolean charge(String agentId, BigDecimal credits) {
        if (status.isTerminal()) {
            return false;
        }
        if (credits.signum() > 0) {
            addCost(agentId, credits);
            emitStatus();
            record();
        }
        return true;
    }

    private void addCost(String agentId, BigDecimal credits) {
        if (credits.signum() <= 0) {
            return;
        }
        cost = cost.add(credits);
        AgentState agent = agentId == null ? null : agents.get(agentId);
        if (agent != null) {
            BigDecimal spent = agent.cost() == null ? credits : agent.cost().add(credits);
            agents.put(agentId, new AgentState(agentId, agent.type(), agent.status(), agent.currentTool(),
                    agent.progress(), spent.stripTrailingZeros()));
        }
    }

    /** The answer to a file reservation: the name to store under, or why there is no room. */
    public record FileReservation(String name, String refusal) {

        public boolean granted() {
            return refusal == null;
        }
    }

    /** Reserves room for a new file under the per-task limits; the name is made unique in the task. */
    public synchronized FileReservation reserveFile(String name, long bytes, int maxCount, long maxTotalBytes) {
        return reserveFile(name, bytes, maxCount, maxTotalBytes, null);
    }

    /**
     * Reserves room for the file of tool call {@code callId}. The same call asking again (it is
     * repeated after a crash) gets the name it was given the first time, whether or not its file
     * was stored then, so it never stores a second, renamed copy.
     */
    public synchronized FileReservation reserveFile(String name, long bytes, int maxCount, long maxTotalBytes,
            String callId) {
        if (callId != null && filesByCall.containsKey(callId)) {
            return new FileReservation(filesByCall.get(callId), null);
        }
        if (status.isTerminal()) {
            return new FileReservation(null, "the task has ended");
        }
        if (reservedNames.size() >= maxCount) {
            return new FileReservation(null, "this task may write at most " + maxCount + " files");
        }
        if (reservedBytes + bytes > maxTotalBytes) {
            return new FileReservation(null, "this task may write at most " + maxTotalBytes + " bytes in all");
        }
        reservedBytes += bytes;
        String unique = FileNames.unique(name, new HashSet<>(reservedNames));
        reservedNames.add(unique);
        if (callId != null) {
            filesByCall.put(callId, unique);
        }
        return new FileReservation(unique, null);
    }

    /** How many files the task had when the writer's synthesis first started. */
    public synchronized int filesBeforeSynthesis() {
        if (filesBeforeSynthesis == null) {
            filesBeforeSynthesis = files.size();
        }
        return filesBeforeSynthesis;
    }

    /** The file a tool call stored, if it did: a call repeated after a crash must not store it again. */
    public synchronized Optional<StoredFile> fileStoredBy(String callId) {
        return Optional.ofNullable(callId == null ? null : filesByCall.get(callId)).map(files::get);
    }

    /** A file is stored: publish it as a deliverable and count it. Dropped if the task has ended. */
    public synchronized boolean fileStored(StoredFile file, String agentId) {
        if (status.isTerminal()) {
            return false;
        }
        files.put(file.name(), file);
        emit(new DeliverableCreated(file.deliverableId(), agentId, file.name(), file.contentType(), file.sizeBytes(),
                file.objectKey(), now()));
        emitStatus();
        record();
        return true;
    }

    public synchronized boolean isPaused() {
        return status == TaskStatus.PAUSED;
    }

    /**
     * Passes when the task is not paused; otherwise completes when it is resumed. Agents wait
     * here at every step boundary, so a pause takes effect at each agent's next step. Each
     * waiter gets its own copy of the release, so cancelling one waiter releases no other.
     */
    public synchronized Uni<Void> gate() {
        return resumed.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(resumed.copy());
    }

    /** A user pause: the task is paused now, and each agent stops at its next step boundary. */
    public synchronized void pause() {
        pause(null);
    }

    /**
     * A user pause by command {@code commandId}: a command applied before (redelivered after a
     * crash) is not applied again. Completes once the pause is durable.
     */
    public synchronized CompletionStage<Void> pause(String commandId) {
        if (status.isTerminal() || !firstTime(commandId)) {
            return CompletableFuture.completedFuture(null);
        }
        if (status == TaskStatus.PENDING || status == TaskStatus.PLANNING || status == TaskStatus.RUNNING
                || status == TaskStatus.PAUSED) {
            pausedByUser = true;
            enterPause();
        }
        return record();
    }

    /** Whether a command is new to this task; it is remembered (with the next record) if so. */
    private boolean firstTime(String commandId) {
        if (commandId == null) {
            return true;
        }
        if (appliedCommands.contains(commandId)) {
            return false;
        }
        appliedCommands.add(commandId);
        if (appliedCommands.size() > REMEMBERED_COMMANDS) {
            appliedCommands.remove(appliedCommands.iterator().next());
        }
        return true;
    }

    /** Pauses the task until the user approves {@code action} by resuming it. */
    public synchronized void awaitApproval(PendingAction action) {
        if (!status.isTerminal()) {
            pendingApproval = action;
            enterPause();
            record();
        }
    }

    /** Whether the task is paused for the user to approve an action of this type (also after a restart). */
    public synchronized boolean awaitsApproval(String actionType) {
        return status == TaskStatus.PAUSED && pendingApproval != null && actionType.equals(pendingApproval.type());
    }

    /**
     * Resumes a paused task; the message, if any, is kept for the agents. A resume first lifts a
     * user pause; only a resume given while the task visibly awaits approval approves the
     * action, so a user who unpauses never approves something they were not shown. A task that
     * is not paused is left as it is.
     */
    public void resume(String message) {
        resume(message, null);
    }

    /**
     * A resume by command {@code commandId}: a command applied before (redelivered after a crash)
     * is not applied again, so it never approves twice. Completes once the resume is durable.
     */
    public CompletionStage<Void> resume(String message, String commandId) {
        CompletableFuture<Void> release;
        CompletionStage<Void> durable;
        synchronized (this) {
            if (status.isTerminal() || !firstTime(commandId)) {
                return CompletableFuture.completedFuture(null);
            }
            if (status != TaskStatus.PAUSED) {
                return record();
            }
            if (message != null) {
                userMessages.add(message);
            }
            if (pausedByUser) {
                pausedByUser = false;
            } else {
                if (pendingApproval != null && PendingAction.PLAN.equals(pendingApproval.type())) {
                    planApproved = true;
                }
                if (pendingApproval != null && PendingAction.DEPLOY.equals(pendingApproval.type())) {
                    deployApproved = true;
                }
                pendingApproval = null;
            }
            if (pausedByUser || pendingApproval != null) {
                emitPauseDetail();
                return record();
            }
            statusDetail = null;
            status = statusBeforePause;
            accumulatePause();
            emitStatus();
            durable = record();
            release = resumed;
        }
        release.complete(null);
        return durable;
    }

    /** How long the task has been working: wall-clock time since it started, less the time it was paused. */
    public Duration activeTime() {
        return activeTime(Instant.now());
    }

    /** {@link #activeTime()} as it will be at {@code at}, if nothing changes until then. */
    public synchronized Duration activeTime(Instant at) {
        long now = at.toEpochMilli();
        long pausedNow = pausedSince == 0 ? 0 : now - pausedSince;
        return Duration.ofMillis(now - startedAt - pausedMillis - pausedNow);
    }

    /** The user's messages from {@code from} on, in the order they were given. */
    public synchronized List<String> userMessagesFrom(int from) {
        return from >= userMessages.size() ? List.of() : List.copyOf(userMessages.subList(from, userMessages.size()));
    }

    public synchronized void deployment(Deployment outcome) {
        if (!status.isTerminal()) {
            deployment = outcome;
            emitStatus();
            record();
        }
    }

    private void enterPause() {
        if (status != TaskStatus.PAUSED) {
            statusBeforePause = status;
            resumed = new CompletableFuture<>();
            pausedSince = System.currentTimeMillis();
        }
        status = TaskStatus.PAUSED;
        emitPauseDetail();
    }

    /** A user pause shows first: it is what a resume lifts first. */
    private void emitPauseDetail() {
        statusDetail = pausedByUser ? StatusDetail.pausedByUser() : StatusDetail.awaitingApproval(pendingApproval);
        emitStatus();
    }

    private void accumulatePause() {
        if (pausedSince != 0) {
            pausedMillis += System.currentTimeMillis() - pausedSince;
            pausedSince = 0;
        }
    }

    public synchronized void complete() {
        finishAgents(AgentStatus.DONE);
        move(TaskStatus.COMPLETE);
        record();
    }

    public void fail(TaskError reason) {
        List<Cancellable> running;
        synchronized (this) {
            if (status.isTerminal() || suspended) {
                return;
            }
            error = reason;
            finishAgents(AgentStatus.FAILED);
            move(TaskStatus.FAILED);
            record();
            running = List.copyOf(work);
        }
        running.forEach(Cancellable::cancel);
    }

    /** Cancels the task: agents stop at once and no further event, cost or file is accepted. */
    public void cancel() {
        List<Cancellable> running;
        synchronized (this) {
            if (status.isTerminal() || suspended) {
                return;
            }
            finishAgents(AgentStatus.CANCELLED);
            move(TaskStatus.CANCELLED);
            record();
            running = List.copyOf(work);
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
            suspended = true;
            running = List.copyOf(work);
        }
        running.forEach(Cancellable::cancel);
    }

    private void finishAgents(AgentStatus end) {
        agents.replaceAll((id, a) -> a.status().isFinished() ? a
                : new AgentState(id, a.type(), end, null, end == AgentStatus.DONE ? 100 : a.progress(), a.cost()));
    }

    private void move(TaskStatus next) {
        if (status.isTerminal()) {
            return;
        }
        if (status == TaskStatus.PAUSED && !next.isTerminal()) {
            // Work moved on while paused (e.g. planning ended): it shows once the task is resumed.
            statusBeforePause = next;
            emitStatus();
            return;
        }
        status = next;
        if (next.isTerminal()) {
            statusDetail = null;
            accumulatePause();
            if (deployment != null && Deployment.AWAITING_APPROVAL.equals(deployment.status())) {
                // Nothing was deployed and nothing will be: no approval is pending any more.
                deployment = null;
            }
        }
        emitStatus();
        if (next.isTerminal()) {
            // Anything still waiting at the gate must not wait for ever; it finds the task ended.
            resumed.complete(null);
        }
    }

    private void emitStatus() {
        emit(new TaskStatusChanged(status, List.copyOf(agents.values()), cost.stripTrailingZeros(), files.size(),
                error, statusDetail, deployment, now()));
    }

    private void emit(EventPayload payload) {
        sequence++;
        unrecorded.add(EventEnvelope.of(taskId, accountId, mode, sequence, payload));
    }

    private CompletionStage<Void> record() {
        return record(null);
    }

    /** Hands the change made under the lock to the journal, as one entry. */
    private CompletionStage<Void> record(Checkpoint checkpoint) {
        if (suspended) {
            unrecorded.clear();
            return CompletableFuture.failedFuture(new CancellationException("task " + taskId + " is suspended"));
        }
        if (endRecorded) {
            // The end is written once; whatever still calls in afterwards changes nothing.
            unrecorded.clear();
            return CompletableFuture.completedFuture(null);
        }
        endRecorded = status.isTerminal();
        JournalEntry entry = new JournalEntry(taskId, state(), unrecorded, checkpoint);
        unrecorded.clear();
        return journal.record(entry);
    }

    /** The state a record of the run writes now. */
    RunState state() {
        return new RunState(status, statusBeforePause, sequence, plan, planApproved, deployApproved,
                List.copyOf(agents.values()), List.copyOf(files.values()), Map.copyOf(filesByCall),
                filesBeforeSynthesis, cost, tokens, error, statusDetail, deployment, pausedByUser, pendingApproval,
                List.copyOf(userMessages), List.copyOf(appliedCommands), List.copyOf(reservedNames), reservedBytes,
                startedAt, pausedMillis, pausedSince);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
