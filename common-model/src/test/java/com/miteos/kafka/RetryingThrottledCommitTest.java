package com.miteos.kafka;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.commit.ContextHolder;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryingThrottledCommitTest {

    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    @AfterEach
    void closeVertx() {
        vertx.closeAndAwait();
    }

    @Test
    void aRecordWaitsUntilTheCommittedOffsetCanBeReadAgainInsteadOfEndingTheChannel() {
        ForgottenMember throttled = new ForgottenMember(vertx, 3);
        RetryingThrottledCommit commit = new RetryingThrottledCommit(throttled, "task-events", vertx, 1_000,
                Duration.ofMinutes(1));
        commit.capture(context);
        IncomingKafkaRecord<String, String> record = record(commit);

        IncomingKafkaRecord<String, String> received = commit.received(record).await().atMost(Duration.ofSeconds(30));

        assertThat(received).isSameAs(record);
        assertThat(throttled.attempts).hasValue(4);
        assertThat(throttled.contexts.subList(1, 4)).as("every retry runs on the channel's context")
                .allMatch(c -> c == context.getDelegate());
    }

    @Test
    void pastItsPatienceTheFailureEndsTheChannelAsBefore() {
        ForgottenMember throttled = new ForgottenMember(vertx, Integer.MAX_VALUE);
        RetryingThrottledCommit commit = new RetryingThrottledCommit(throttled, "task-events", vertx, 1_000,
                Duration.ofSeconds(1));
        commit.capture(context);

        assertThatThrownBy(() -> commit.received(record(commit)).await().atMost(Duration.ofSeconds(30)))
                .hasRootCauseInstanceOf(UnknownMemberIdException.class);
        assertThat(throttled.attempts.get()).isBetween(2, 10);
    }

    @Test
    void aRecordWhoseOffsetIsKnownPassesStraightThrough() {
        ForgottenMember throttled = new ForgottenMember(vertx, 0);
        RetryingThrottledCommit commit = new RetryingThrottledCommit(throttled, "task-events", vertx, 1_000,
                Duration.ofMinutes(1));
        commit.capture(context);
        IncomingKafkaRecord<String, String> record = record(commit);

        assertThat(commit.received(record).await().indefinitely()).isSameAs(record);
        assertThat(throttled.attempts).hasValue(1);
        assertThat(throttled.contexts).as("no hop to the channel's context on the way").containsExactly((io.vertx.core.Context) null);
    }

    @Test
    void theThrottledStrategyGetsTheChannelsContext() {
        ForgottenMember throttled = new ForgottenMember(vertx, 0);
        RetryingThrottledCommit commit = new RetryingThrottledCommit(throttled, "task-events", vertx, 1_000,
                Duration.ofMinutes(1));

        commit.capture(context);

        assertThat(throttled.getContext()).isSameAs(context);
    }

    private static IncomingKafkaRecord<String, String> record(KafkaCommitHandler commit) {
        return new IncomingKafkaRecord<>(new ConsumerRecord<>("task.status", 3, 42L, "task-1", "{}"),
                "task-events", 0, commit, null, false);
    }

    /** The throttled strategy's offset read, for a member the broker forgot until it joins again. */
    private static final class ForgottenMember extends ContextHolder implements KafkaCommitHandler {

        private final int failures;
        final AtomicInteger attempts = new AtomicInteger();
        final List<io.vertx.core.Context> contexts = new CopyOnWriteArrayList<>();

        ForgottenMember(Vertx vertx, int failures) {
            super(vertx, 1_000);
            this.failures = failures;
        }

        @Override
        public <K, V> Uni<IncomingKafkaRecord<K, V>> received(IncomingKafkaRecord<K, V> record) {
            contexts.add(io.vertx.core.Vertx.currentContext());
            if (attempts.incrementAndGet() <= failures) {
                return Uni.createFrom().failure(new UnknownMemberIdException(
                        "OffsetFetch failed with UNKNOWN_MEMBER_ID because the member is not part of the group anymore"));
            }
            return Uni.createFrom().item(record);
        }

        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
            return Uni.createFrom().voidItem();
        }
    }
}
