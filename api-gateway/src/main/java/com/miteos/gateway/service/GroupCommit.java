package com.miteos.gateway.service;

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
 * Group commit: at most one batch of a group's items is in the database at a time, and the items
 * that arrive meanwhile wait and go together in the next one, up to {@code maxBatch}. One
 * statement or transaction then serves many items, while a lone item goes at once. Used for the
 * admissions of one account and mode ({@link ActiveTaskLimit}: one transaction, one lock and one
 * commit admit many submissions; replicas still take turns under the database lock,
 * {@link com.miteos.gateway.repository.SubmissionOutbox#insertIfRoom}) and for the
 * {@code published_at} stamps ({@link SubmissionDelivery}: one {@code UPDATE} for many). Batches of
 * one group never overlap on this replica.
 *
 * <p>Each item's outcome is delivered on the Vert.x context it was submitted from (its request's),
 * since the batch runs on whichever context started it.
 *
 * @param <T> an item
 * @param <R> one item's outcome
 */
final class GroupCommit<T, R> {

    private final Function<List<T>, Uni<List<R>>> admitBatch;
    private final int maxBatch;
    private final ConcurrentMap<String, Group> groups = new ConcurrentHashMap<>();

    /**
     * @param admitBatch commits a batch (all of one group) and answers one outcome per item, in the
     *                   batch's order
     */
    GroupCommit(Function<List<T>, Uni<List<R>>> admitBatch, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, not " + maxBatch);
        }
        this.admitBatch = admitBatch;
        this.maxBatch = maxBatch;
    }

    /** The item's outcome, once the batch it went in is committed (or has failed). */
    Uni<R> admit(String group, T item) {
        return Uni.createFrom().emitter(emitter -> {
            Waiting<T, R> waiting = new Waiting<>(item, Vertx.currentContext(), emitter);
            List<Waiting<T, R>> batch = new ArrayList<>();
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

    private void run(String group, List<Waiting<T, R>> batch) {
        Uni.createFrom().deferred(() -> admitBatch.apply(batch.stream().map(Waiting::item).toList()))
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
        List<Waiting<T, R>> batch = new ArrayList<>();
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
        final ArrayDeque<Waiting<T, R>> waiting = new ArrayDeque<>();
        /** Whether a batch of the group is in the database. */
        boolean busy;

        void take(List<Waiting<T, R>> batch, int max) {
            while (batch.size() < max && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
        }
    }

    private record Waiting<T, R>(T item, Context context, UniEmitter<? super R> emitter) {

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
