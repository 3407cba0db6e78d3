package com.miteos.orchestrator.agent;

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
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The live state of one task while the orchestrator runs it, and the only place that changes
 * it. Every change is published at once as a full {@link TaskStatusChanged} snapshot with the
 * next sequence number; the lock makes changes and their events happen in one order.
 *
 * <p>Once the task is terminal nothing changes any more: late agent updates, costs and files
 * of a cancelled task are dropped, which is what makes cancel "charge nothing more".
 */
public final class TaskRun {

    private final String taskId;
    private final String accountId;
    private final Mode mode;
    private final String prompt;
    private final TaskConfig config;
    private final TaskEventSink sink;

    private TaskStatus status = TaskStatus.PENDING;
    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    private final Map<String, StoredFile> files = new LinkedHashMap<>();
    private BigDecimal cost = BigDecimal.ZERO;
    private long tokens;
    private TaskError error;
    private StatusDetail statusDetail;
    private Deployment deployment;
    private TaskStatus statusBeforePause;
    private boolean pausedByUser;
    private PendingAction pendingApproval;
    private final long startedAt = System.nanoTime();
    private long pausedSince;
    private long pausedNanos;
    private CompletableFuture<Void> resumed = CompletableFuture.completedFuture(null);
    private final List<String> userMessages = new ArrayList<>();
    private long sequence;
    private long reservedBytes;
    private int reservedFiles;
    private final Set<String> reservedNames = new HashSet<>();
    private final List<Cancellable> work = new ArrayList<>();

    public TaskRun(String taskId, String accountId, Mode mode, String prompt, TaskConfig config, TaskEventSink sink) {
        this.taskId = taskId;
        this.accountId = accountId;
        this.mode = mode;
        this.prompt = prompt;
        this.config = config;
        this.sink = sink;
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

    public synchronized BigDecimal cost() {
        return cost;
    }

    public synchronized List<StoredFile> files() {
        return List.copyOf(files.values());
    }

    public synchronized Optional<StoredFile> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    /** Keeps a handle on running work, so that cancelling the task stops it. */
    public void track(Cancellable cancellable) {
        boolean cancelNow;
        synchronized (this) {
            cancelNow = status.isTerminal();
            if (!cancelNow) {
                work.add(cancellable);
            }
        }
        if (cancelNow) {
            cancellable.cancel();
        }
    }

    public synchronized void planning() {
        move(TaskStatus.PLANNING);
    }

    /** The plan is made: one queued agent per work item, and the task is running. */
    public synchronized List<String> startAgents(List<String> types) {
        if (status.isTerminal()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String type : types) {
            String id = Ids.newId(IdPrefix.AGENT);
            agents.put(id, new AgentState(id, type, AgentStatus.QUEUED, null, 0, BigDecimal.ZERO));
            ids.add(id);
        }
        move(TaskStatus.RUNNING);
        return ids;
    }

    public synchronized void agent(String agentId, AgentStatus agentStatus, String currentTool, int progress) {
        AgentState current = agents.get(agentId);
        if (status.isTerminal() || current == null || current.status().isFinished()) {
            return;
        }
        // Progress never goes backwards, whatever order updates arrive in.
        agents.put(agentId, new AgentState(agentId, current.type(), agentStatus, currentTool,
                Math.max(current.progress(), progress), current.cost()));
        emitStatus();
    }

    /** Adds model tokens to the task's total; answers the new total. */
    public synchronized long addTokens(long count) {
        tokens += count;
        return tokens;
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
            cost = cost.add(credits);
            AgentState agent = agentId == null ? null : agents.get(agentId);
            if (agent != null) {
                BigDecimal spent = agent.cost() == null ? credits : agent.cost().add(credits);
                agents.put(agentId, new AgentState(agentId, agent.type(), agent.status(), agent.currentTool(),
                        agent.progress(), spent.stripTrailingZeros()));
            }
            emitStatus();
        }
        return true;
    }

    /** The answer to a file reservation: the name to store under, or why there is no room. */
    public record FileReservation(String name, String refusal) {

        public boolean granted() {
            return refusal == null;
        }
    }

    /** Reserves room for a new file under the per-task limits; the name is made unique in the task. */
    public synchronized FileReservation reserveFile(String name, long bytes, int maxCount, long maxTotalBytes) {
        if (status.isTerminal()) {
            return new FileReservation(null, "the task has ended");
        }
        if (reservedFiles >= maxCount) {
            return new FileReservation(null, "this task may write at most " + maxCount + " files");
        }
        if (reservedBytes + bytes > maxTotalBytes) {
            return new FileReservation(null, "this task may write at most " + maxTotalBytes + " bytes in all");
        }
        reservedFiles++;
        reservedBytes += bytes;
        String unique = FileNames.unique(name, reservedNames);
        reservedNames.add(unique);
        return new FileReservation(unique, null);
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
        if (status == TaskStatus.PLANNING || status == TaskStatus.RUNNING || status == TaskStatus.PAUSED) {
            pausedByUser = true;
            enterPause();
        }
    }

    /** Pauses the task until the user approves {@code action} by resuming it. */
    public synchronized void awaitApproval(PendingAction action) {
        if (!status.isTerminal()) {
            pendingApproval = action;
            enterPause();
        }
    }

    /**
     * Resumes a paused task; the message, if any, is kept for the agents. A resume first lifts a
     * user pause; only a resume given while the task visibly awaits approval approves the
     * action, so a user who unpauses never approves something they were not shown. A task that
     * is not paused is left as it is.
     */
    public void resume(String message) {
        CompletableFuture<Void> release;
        synchronized (this) {
            if (status != TaskStatus.PAUSED) {
                return;
            }
            if (message != null) {
                userMessages.add(message);
            }
            if (pausedByUser) {
                pausedByUser = false;
            } else {
                pendingApproval = null;
            }
            if (pausedByUser || pendingApproval != null) {
                emitPauseDetail();
                return;
            }
            statusDetail = null;
            status = statusBeforePause;
            accumulatePause();
            emitStatus();
            release = resumed;
        }
        release.complete(null);
    }

    /** How long the task has been working: time since it started, less the time it was paused. */
    public synchronized Duration activeTime() {
        long pausedNow = pausedSince == 0 ? 0 : System.nanoTime() - pausedSince;
        return Duration.ofNanos(System.nanoTime() - startedAt - pausedNanos - pausedNow);
    }

    /** The user's messages from {@code from} on, in the order they were given. */
    public synchronized List<String> userMessagesFrom(int from) {
        return from >= userMessages.size() ? List.of() : List.copyOf(userMessages.subList(from, userMessages.size()));
    }

    public synchronized void deployment(Deployment outcome) {
        if (!status.isTerminal()) {
            deployment = outcome;
            emitStatus();
        }
    }

    private void enterPause() {
        if (status != TaskStatus.PAUSED) {
            statusBeforePause = status;
            resumed = new CompletableFuture<>();
            pausedSince = System.nanoTime();
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
            pausedNanos += System.nanoTime() - pausedSince;
            pausedSince = 0;
        }
    }

    public synchronized void complete() {
        finishAgents(AgentStatus.DONE);
        move(TaskStatus.COMPLETE);
    }

    public void fail(TaskError reason) {
        List<Cancellable> running;
        synchronized (this) {
            if (status.isTerminal()) {
                return;
            }
            error = reason;
            finishAgents(AgentStatus.FAILED);
            move(TaskStatus.FAILED);
            running = List.copyOf(work);
        }
        running.forEach(Cancellable::cancel);
    }

    /** Cancels the task: agents stop at once and no further event, cost or file is accepted. */
    public void cancel() {
        List<Cancellable> running;
        synchronized (this) {
            if (status.isTerminal()) {
                return;
            }
            finishAgents(AgentStatus.CANCELLED);
            move(TaskStatus.CANCELLED);
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
            if (deployment != null && Deployment.AWAITING_APPROVAL.equals(deployment.status())) {
                // Nothing was deployed and nothing will be: no approval is pending any more.
                deployment = null;
            }
            // Anything still waiting at the gate must not wait for ever; it finds the task ended.
            resumed.complete(null);
        }
        emitStatus();
    }

    private void emitStatus() {
        emit(new TaskStatusChanged(status, List.copyOf(agents.values()), cost.stripTrailingZeros(), files.size(),
                error, statusDetail, deployment, now()));
    }

    private void emit(EventPayload payload) {
        sequence++;
        sink.publish(EventEnvelope.of(taskId, accountId, mode, sequence, payload));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
