package com.miteos.orchestrator.adapter.kafka;

import com.miteos.model.event.Topics;
import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Connects the event producers to the broker and loads their topics' metadata before this process
 * takes partitions: otherwise the first event of the first task it gets waits for both.
 */
@ApplicationScoped
class ProducerWarmUp implements WarmUp {

    private static final Map<String, String> TOPICS = Map.of("task-status", Topics.TASK_STATUS,
            "task-deliverable", Topics.TASK_DELIVERABLE);

    private final KafkaClientService clients;

    ProducerWarmUp(KafkaClientService clients) {
        this.clients = clients;
    }

    @Override
    public String name() {
        return "kafka producers";
    }

    @Override
    public Uni<Void> run() {
        List<Uni<Void>> connected = new ArrayList<>();
        TOPICS.forEach((channel, topic) -> {
            KafkaProducer<Object, Object> producer = clients.getProducer(channel);
            if (producer != null) {
                connected.add(producer.partitionsFor(topic).replaceWithVoid());
            }
        });
        return connected.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(connected).andFailFast().replaceWithVoid();
    }
}
