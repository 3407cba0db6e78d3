package com.miteos.orchestrator.adapter.kafka;

import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the command consumer, before it subscribes, do what it does when it gets partitions
 * ({@link CommandCatchUp}): read the command topics' end offsets and the group's committed
 * offsets. Neither joins the group; both connect it to the broker and the group coordinator and
 * load that code, which a cold process otherwise does on the polling thread, inside the
 * assignment callback, while every command waits.
 */
@ApplicationScoped
class ConsumerWarmUp implements WarmUp {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final KafkaClientService clients;

    ConsumerWarmUp(KafkaClientService clients) {
        this.clients = clients;
    }

    @Override
    public String name() {
        return "kafka command consumer";
    }

    @Override
    public Uni<Void> run() {
        List<KafkaConsumer<Object, Object>> consumers = clients.getConsumers(CommandGroupJoin.CHANNEL);
        List<Uni<Void>> warmed = new ArrayList<>();
        for (KafkaConsumer<Object, Object> consumer : consumers) {
            warmed.add(consumer.runOnPollingThread(ConsumerWarmUp::readOffsets));
        }
        return warmed.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(warmed).andFailFast().replaceWithVoid();
    }

    private static void readOffsets(Consumer<Object, Object> consumer) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (String topic : CommandPartitions.COMMAND_TOPICS) {
            for (PartitionInfo info : consumer.partitionsFor(topic, WITHIN)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.endOffsets(partitions, WITHIN);
        consumer.committed(partitions, WITHIN);
    }
}
