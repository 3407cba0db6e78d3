package com.miteos.orchestrator.adapter.kafka;

import com.miteos.orchestrator.port.commands.CommandBacklog;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells when the commands that were already in Kafka when this process started have been read.
 * On the first assignment it notes each partition's end offset; once every record before those
 * offsets is processed, resumed tasks may go on: a cancel sent while the orchestrator was down
 * has then taken effect before any further step. {@code @Default} besides its name: the application
 * sees it as its {@link CommandBacklog}; the Kafka connector finds it by name.
 */
@ApplicationScoped
@Identifier(CommandCatchUp.NAME)
@Default
public class CommandCatchUp implements KafkaConsumerRebalanceListener, CommandBacklog {

    public static final String NAME = "task-commands-catch-up";

    private final Map<TopicPartition, Long> behind = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (caughtUp.isDone()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long end = ends.getOrDefault(partition, 0L);
            if (consumer.position(partition) < end) {
                behind.put(partition, end);
            }
        }
        check();
    }

    /** A record is processed (and acknowledged). */
    public void processed(String topic, int partition, long offset) {
        if (!caughtUp.isDone()) {
            behind.computeIfPresent(new TopicPartition(topic, partition), (p, end) -> offset + 1 >= end ? null : end);
            check();
        }
    }

    private void check() {
        if (behind.isEmpty()) {
            caughtUp.complete(null);
        }
    }

    @Override
    public CompletionStage<Void> caughtUp() {
        return caughtUp;
    }
}
