package com.miteos.gateway.service;

import com.miteos.gateway.repository.TaskSubmission;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Group commit for the admissions of one account and mode on this replica: at most one batch of
 * them is in the database at a time, and the submissions that arrive meanwhile wait and go
 * together in the next one, up to {@code maxBatch}. One transaction, one lock and one commit then
 * admit many submissions: a busy account is no longer held to one admission per lock hold (each a
 * few round trips and a commit under the account's lock), while a lone submission goes at once,
 * as before. Batches of one group never overlap here; replicas still take turns under the
 * database lock ({@link com.miteos.gateway.repository.SubmissionOutbox#insertIfRoom}).
 *
 * <p>Each submission's outcome is delivered on the Vert.x context it was submitted from (its
 * request's), since the batch runs on whichever context started it.
 *
 * @param <R> one submission's outcome
 */
final class AdmissionBatches<R> {

    private final Function<List<TaskSubmission>, Uni<List<R>>> admitBatch;
    private final int maxBatch;
    private final ConcurrentMap<String, Group> groups = new ConcurrentHashMap<>();

    /**
     * @param admitBatch admits a batch (all of one group) and answers one outcome per submission, in
     *                   the batch's order
     */
    AdmissionBatches(Function<List<TaskSubmission>, Uni<List<R>>> admitBatch, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the admission batch size must be at least 1, not " + maxBatch);
        }
        this.admitBatch = admitBatch;
        this.maxBatch = maxBatch;
    }

    /** The submission's outcome, once the batch it went in is committed (or has failed). */
    Uni<R> admit(String group, TaskSubmission submission) {
        return Uni.createFrom().emitter(emitter -> {
            Waiting<R> waiting = new Waiting<>(submission, Vertx.currentContext(), emitter);
            List<Waiting<R>> batch = new ArrayList<>();
            groups.compute(group, (key, existing) -> {
                Group g = existing != null ? existing : new Group();
                g.waiting.add(waiting);
                if (!g.busy) {
                    g.busy = true;
                    g.take(batch, maxBatch);
                }
                return g;
            });
            if (!batch.isEmpty()) {
                run(group, batch);
            }
        });
    }

    private void run(String group, List<Waiting<R>> batch) {
        Uni.createFrom().deferred(() -> admitBatch.apply(batch.stream().map(Waiting::submission).toList()))
                .subscribe().with(outcomes -> {
                    next(group);
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).complete(outcomes.get(i));
                    }
                }, failure -> {
                    next(group);
                    batch.forEach(w -> w.fail(failure));
                });
    }

    /** Starts the group's next batch with what waited meanwhile, or forgets the group if nothing did. */
    private void next(String group) {
        List<Waiting<R>> batch = new ArrayList<>();
        groups.compute(group, (key, g) -> {
            if (g.waiting.isEmpty()) {
                return null;
            }
            g.take(batch, maxBatch);
            return g;
        });
        if (!batch.isEmpty()) {
            run(group, batch);
        }
    }

    /** One group's state; only touched inside {@code groups.compute}, which serializes it. */
    private final class Group {
        final ArrayDeque<Waiting<R>> waiting = new ArrayDeque<>();
        /** Whether a batch of the group is in the database. */
        boolean busy;

        void take(List<Waiting<R>> batch, int max) {
            while (batch.size() < max && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
        }
    }

    private record Waiting<R>(TaskSubmission submission, Context context, UniEmitter<? super R> emitter) {

        void complete(R outcome) {
            onContext(() -> emitter.complete(outcome));
        }

        void fail(Throwable failure) {
            onContext(() -> emitter.fail(failure));
        }

        private void onContext(Runnable task) {
            if (context == null) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        }
    }
}
