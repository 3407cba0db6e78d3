package com.miteos.orchestrator.adapter.kafka;

import com.miteos.model.event.Topics;
import com.miteos.orchestrator.application.supervisor.PartitionOwnership;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns the command consumer's partition assignments into task ownership. The owner of a task is
 * the consumer of its partition of {@code task.created}; the broker's range assignor gives the
 * same-numbered partitions of {@code task.cancel} and {@code task.control} to the same member, so
 * that a task's commands reach its owner. Kafka calls this on the consumer's thread: assignment
 * notes the command backlog and starts acquiring; revocation blocks until the runs are handed over.
 */
@ApplicationScoped
@Identifier(CommandPartitions.NAME)
public class CommandPartitions implements KafkaConsumerRebalanceListener {

    public static final String NAME = "task-command-partitions";
    static final List<String> COMMAND_TOPICS = List.of(Topics.TASK_CREATED, Topics.TASK_CANCEL, Topics.TASK_CONTROL);

    private final CommandCatchUp catchUp;
    private final PartitionOwnership ownership;
    private final Map<String, Set<Integer>> assignment = new TreeMap<>();

    public CommandPartitions(CommandCatchUp catchUp, PartitionOwnership ownership) {
        this.catchUp = catchUp;
        this.ownership = ownership;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        long began = System.nanoTime();
        catchUp.assigned(consumer, partitions);
        track(partitions, true);
        ownership.assigned(numbers(partitions));
        Log.infof("assignment of %d topic-partition(s) taken in %d ms (backlog offsets read, acquisitions started)",
                partitions.size(), (System.nanoTime() - began) / 1_000_000);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        ownership.revoked(numbers(partitions));
        catchUp.revoked(partitions);
        track(partitions, false);
    }

    /** Ownership follows task.created; the other topics' partitions must come with it. */
    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(partition -> partition.topic().equals(Topics.TASK_CREATED))
                .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Keeps the current assignment, and says so loudly when the command topics are not co-partitioned. */
    private synchronized void track(Collection<TopicPartition> partitions, boolean added) {
        for (TopicPartition partition : partitions) {
            Set<Integer> numbers = assignment.computeIfAbsent(partition.topic(), topic -> new TreeSet<>());
            if (added) {
                numbers.add(partition.partition());
            } else {
                numbers.remove(partition.partition());
            }
        }
        Set<Integer> created = assignment.getOrDefault(Topics.TASK_CREATED, Set.of());
        for (String topic : COMMAND_TOPICS) {
            if (!assignment.getOrDefault(topic, Set.of()).equals(created)) {
                Log.errorf("command partitions are not co-partitioned (%s): commands may not reach their"
                        + " tasks. The command topics need the same partition count and the consumer the"
                        + " 'range' assignor (group.remote.assignor=range)", assignment);
                return;
            }
        }
        Log.infof("command partitions held here: %s", created);
    }
}
