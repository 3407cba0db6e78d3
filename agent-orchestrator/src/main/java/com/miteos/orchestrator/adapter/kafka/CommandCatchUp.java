package com.miteos.orchestrator.adapter.kafka;

import com.miteos.orchestrator.port.commands.CommandBacklog;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells when the commands that were already in Kafka when this process got a command partition
 * have been read. On each assignment it notes the end offset of every new topic-partition it is
 * behind on; partition N is caught up once every record before those offsets, in partition N of
 * each command topic, is processed. The first assignment also completes {@link #caughtUp()}.
 */
@ApplicationScoped
public class CommandCatchUp implements CommandBacklog {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<TopicPartition, Long> behind = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Void>> partitions = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> first = new CompletableFuture<>();

    /** Partitions were assigned: notes how far each new one must be read. Called on the polling thread. */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        for (TopicPartition partition : assigned) {
            partitions.computeIfAbsent(partition.partition(), p -> new CompletableFuture<>());
            long end = ends.getOrDefault(partition, 0L);
            if (consumer.position(partition) < end) {
                behind.put(partition, end);
            }
        }
        assigned.forEach(partition -> check(partition.partition()));
        if (behind.isEmpty()) {
            first.complete(null);
        }
    }

    /** Partitions went elsewhere: nothing here waits for them any more. */
    void revoked(Collection<TopicPartition> revoked) {
        revoked.forEach(behind::remove);
        revoked.stream().map(TopicPartition::partition).distinct()
                .forEach(partition -> {
                    CompletableFuture<Void> gate = partitions.remove(partition);
                    if (gate != null) {
                        gate.complete(null);
                    }
                });
    }

    /** A record is processed (and acknowledged). */
    public void processed(String topic, int partition, long offset) {
        TopicPartition topicPartition = new TopicPartition(topic, partition);
        if (behind.computeIfPresent(topicPartition, (p, end) -> offset + 1 >= end ? null : end) == null) {
            check(partition);
            if (behind.isEmpty()) {
                first.complete(null);
            }
        }
    }

    private void check(int partition) {
        Set<TopicPartition> waiting = behind.keySet();
        if (waiting.stream().noneMatch(topicPartition -> topicPartition.partition() == partition)) {
            CompletableFuture<Void> gate = partitions.get(partition);
            if (gate != null) {
                gate.complete(null);
            }
        }
    }

    @Override
    public CompletionStage<Void> caughtUp() {
        return first;
    }

    @Override
    public CompletionStage<Void> caughtUp(int partition) {
        return partitions.getOrDefault(partition, DONE);
    }
}
