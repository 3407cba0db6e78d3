package com.miteos.gateway.service;

import com.miteos.gateway.client.TaskServiceApi;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Caps how many unfinished tasks one account may have in one mode; a new task over the cap is
 * rejected with 429 (not queued). The cap holds however many gateway replicas accept tasks:
 *
 * <ol>
 * <li>A submission is admitted in one transaction of the gateway's database under a lock of its
 * account and mode ({@code pg_advisory_xact_lock}, {@link SubmissionOutbox#insertIfRoom}): every
 * replica's admissions for that account and mode happen one after the other, and each is stored
 * before the lock is released, so the next one counts it. The submissions of one account and mode
 * that arrive at this replica while one of its admissions is under way wait and are admitted
 * together, in one transaction ({@link GroupCommit}, at most {@code admission-batch-size}):
 * they are decided one after the other as if they had come alone ({@link #decide}), so a batch
 * stores at most the room there is.</li>
 * <li>The read model's own count of unfinished tasks is asked first, inside the transaction but
 * before the lock (so the remote call never holds up other admissions); under the lock, the
 * gateway adds the submissions it has not yet seen in the read model ({@code projected_at} unset)
 * and those it was seen to show only since the transaction began (by the database's clock, the
 * same one that stamps them). A submission is marked seen only after the read model shows it, so
 * no task is missed: one marked after the read model was asked is counted here; one projected
 * before and marked after is counted twice (the cap errs by refusing early for a moment), never
 * zero times.</li>
 * <li>A submission is marked seen by the {@link ProjectionMarker}, which asks the read model a few
 * times a second which accepted tasks it shows (one call for many), so a POST never waits for it.</li>
 * </ol>
 *
 * <p>When the read model cannot answer, the submissions it has not shown yet are still counted and
 * capped; those it already shows are not known and are taken as none: the cap protects capacity,
 * it must not take the API down while task-service is away.
 */
@ApplicationScoped
public class ActiveTaskLimit {

    /** What the admission decided for one submission. */
    enum Verdict { STORED, KEY_USED, NO_ROOM }

    /** One submission's verdict, with the unfinished tasks counted when it was refused. */
    record Outcome(Verdict verdict, long unfinished) {
    }

    private final TaskServiceApi tasks;
    private final SubmissionOutbox outbox;
    private final int maxActive;
    private final GroupCommit<TaskSubmission, Outcome> batches;

    @Inject
    public ActiveTaskLimit(@RestClient TaskServiceApi tasks, SubmissionOutbox outbox, GatewayConfig config) {
        this(tasks, outbox, config.limits().maxActiveTasks(), config.limits().admissionBatchSize());
    }

    ActiveTaskLimit(TaskServiceApi tasks, SubmissionOutbox outbox, int maxActive, int maxBatch) {
        this.tasks = tasks;
        this.outbox = outbox;
        this.maxActive = maxActive;
        this.batches = new GroupCommit<>(this::admitTogether, maxBatch);
    }

    /**
     * Stores the submission if the caller may start another task; false (nothing stored) when its
     * Idempotency-Key was used already; a 429 problem when the caller is at the cap.
     */
    public Uni<Boolean> admit(Caller caller, TaskSubmission submission) {
        if (maxActive <= 0) {
            return outbox.insert(submission);
        }
        String group = submission.accountId() + "/" + submission.mode();
        return batches.admit(group, submission).map(outcome -> switch (outcome.verdict()) {
            case STORED -> true;
            case KEY_USED -> false;
            case NO_ROOM -> throw new ApiProblem(429, "too-many-active-tasks", "Too many active tasks",
                    "This account already has " + outcome.unfinished() + " unfinished tasks in this mode; at most "
                            + maxActive + " may run at once. Wait for some to finish, or cancel some.");
        });
    }

    /** One transaction for a batch of one account and mode: the outcomes in the batch's order. */
    private Uni<List<Outcome>> admitTogether(List<TaskSubmission> batch) {
        TaskSubmission owner = batch.get(0);
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        // Deferred: the read model must be asked only once the transaction has begun (SubmissionOutbox#insertIfRoom).
        return outbox.insertIfRoom(batch, Uni.createFrom().deferred(() -> readModelCount(owner)), found -> {
                    outcomes.addAll(decide(batch, found, maxActive));
                    List<TaskSubmission> chosen = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        if (outcomes.get(i).verdict() == Verdict.STORED) {
                            chosen.add(batch.get(i));
                        }
                    }
                    return chosen;
                })
                .map(stored -> {
                    for (int i = 0; i < batch.size(); i++) { // a key used meanwhile without the cap: not stored
                        if (outcomes.get(i).verdict() == Verdict.STORED && !stored.contains(batch.get(i).taskId())) {
                            outcomes.set(i, new Outcome(Verdict.KEY_USED, 0));
                        }
                    }
                    return outcomes;
                });
    }

    /**
     * The verdicts of a batch, in its order, as if its submissions had come one after the other: each
     * stored while there is room, counting those stored before it. A key already used answers
     * {@code KEY_USED}; a key used earlier in the same batch gets the fate of that earlier submission
     * (its replay if that one is stored, the same refusal if not).
     */
    static List<Outcome> decide(List<TaskSubmission> batch, SubmissionOutbox.Found found, int maxActive) {
        long unfinished = found.unfinished();
        Map<String, Verdict> keyed = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        for (TaskSubmission s : batch) {
            String key = s.idempotencyKey();
            Verdict earlier = key == null ? null : found.usedKeys().contains(key) ? Verdict.KEY_USED : keyed.get(key);
            Outcome outcome;
            if (earlier != null) {
                outcome = new Outcome(earlier == Verdict.NO_ROOM ? Verdict.NO_ROOM : Verdict.KEY_USED, unfinished);
            } else if (unfinished < maxActive) {
                outcome = new Outcome(Verdict.STORED, 0);
                unfinished++;
            } else {
                outcome = new Outcome(Verdict.NO_ROOM, unfinished);
            }
            if (key != null) {
                keyed.putIfAbsent(key, outcome.verdict());
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private Uni<Long> readModelCount(TaskSubmission owner) {
        return tasks.activeCount(owner.accountId(), owner.mode())
                .map(answer -> answer.getOrDefault("active", 0L))
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("active-task count unavailable, counting only the tasks it does not show yet: %s",
                            e.toString());
                    return 0L;
                });
    }
}
