package com.miteos.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.ContextHolder;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.function.BiConsumer;

/**
 * SmallRye's {@code throttled} commit strategy, except that a failed look-up of a partition's
 * committed offset is retried instead of ending the channel.
 *
 * <p>The throttled strategy reads the committed offset (an OffsetFetch) when the first record of a
 * newly assigned partition arrives, and a failure of that read fails the whole record stream: the
 * channel stops consuming for good and readiness stays down until the process restarts. Under the
 * consumer group protocol (KIP-848) the OffsetFetch carries the member id and epoch, so it fails
 * with {@code UNKNOWN_MEMBER_ID} whenever the broker forgot the member — after a broker restart, a
 * missed session — until the consumer has joined again, which it does by itself a moment later.
 * Here the read is repeated with back-off (200 ms up to 5 s) for up to {@link #LOOKUP_PATIENCE}
 * (longer than any broker restart we expect); only past that does the failure end the channel, as
 * before, and the liveness check reports it.
 *
 * <p>Use it with {@code mp.messaging.incoming.<channel>.commit-strategy=throttled-retrying}; every
 * other behaviour, and every {@code throttled.*} attribute, is the throttled strategy's.
 */
public class RetryingThrottledCommit extends ContextHolder implements KafkaCommitHandler {

    public static final String STRATEGY = "throttled-retrying";
    static final Duration LOOKUP_PATIENCE = Duration.ofMinutes(5);
    private static final Duration FIRST_BACK_OFF = Duration.ofMillis(200);
    private static final Duration LONGEST_BACK_OFF = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(RetryingThrottledCommit.class);

    private final KafkaCommitHandler throttled;
    private final String channel;
    private final Duration patience;

    RetryingThrottledCommit(KafkaCommitHandler throttled, String channel, Vertx vertx, int timeoutMillis,
            Duration patience) {
        super(vertx, timeoutMillis);
        this.throttled = throttled;
        this.channel = channel;
        this.patience = patience;
    }

    /** Makes the strategy known to SmallRye under {@link #STRATEGY}. */
    @ApplicationScoped
    @Identifier(STRATEGY)
    public static class Factory implements KafkaCommitHandler.Factory {

        private final KafkaCommitHandler.Factory throttled;

        public Factory(@Identifier(Strategy.THROTTLED) KafkaCommitHandler.Factory throttled) {
            this.throttled = throttled;
        }

        @Override
        public KafkaCommitHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
                KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
            KafkaCommitHandler delegate = throttled.create(config, vertx, consumer, reportFailure);
            int timeout = delegate instanceof ContextHolder holder ? holder.getTimeoutInMillis() : 60_000;
            return new RetryingThrottledCommit(delegate, config.getChannel(), vertx, timeout, LOOKUP_PATIENCE);
        }
    }

    /**
     * The throttled strategy's own {@code received}, as it is; only once that fails, the retries, each
     * started on the channel's context, where the throttled strategy keeps its state.
     */
    @Override
    public <K, V> Uni<IncomingKafkaRecord<K, V>> received(IncomingKafkaRecord<K, V> record) {
        return throttled.received(record)
                .onFailure().invoke(failure -> warn(record, failure))
                .onFailure().recoverWithUni(failure -> Uni.createFrom().deferred(() -> throttled.received(record))
                        .runSubscriptionOn(this::runOnContext)
                        .onFailure().invoke(again -> warn(record, again))
                        .onFailure().retry().withBackOff(FIRST_BACK_OFF, LONGEST_BACK_OFF).withJitter(0.2)
                        .expireIn(patience.toMillis()));
    }

    private void warn(IncomingKafkaRecord<?, ?> record, Throwable failure) {
        LOG.warnf("%s: reading the committed offset of %s-%d failed (%s); trying again", channel, record.getTopic(),
                record.getPartition(), failure.toString());
    }

    @Override
    public <K, V> Multi<IncomingKafkaRecord<K, V>> decorateStream(Multi<IncomingKafkaRecord<K, V>> consumed) {
        return throttled.decorateStream(consumed);
    }

    @Override
    public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
        return throttled.handle(record);
    }

    @Override
    public void partitionsAssigned(Collection<TopicPartition> partitions) {
        throttled.partitionsAssigned(partitions);
    }

    @Override
    public void partitionsRevoked(Collection<TopicPartition> partitions) {
        throttled.partitionsRevoked(partitions);
    }

    @Override
    public void terminate(boolean graceful) {
        throttled.terminate(graceful);
    }

    // The connector hands its context to a commit handler that holds one; the throttled strategy needs it.
    @Override
    public void capture(Context context) {
        super.capture(context);
        if (throttled instanceof ContextHolder holder) {
            holder.capture(context);
        }
    }

    @Override
    public void capture(io.vertx.core.Context context) {
        super.capture(context);
        if (throttled instanceof ContextHolder holder) {
            holder.capture(context);
        }
    }
}
