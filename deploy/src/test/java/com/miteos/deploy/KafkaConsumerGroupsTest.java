package com.miteos.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Kafka consumer of the platform joins its group with the consumer group protocol
 * (KIP-848). The broker then owns the session and heartbeat (group.consumer.session.timeout.ms,
 * set for the local broker and the Strimzi cluster), so a replica killed with -9 gives up its
 * partitions after that session; a consumer left on the classic protocol would hold them for
 * the client's default of 45 s, and the events it projects would wait that long (a crash run saw a
 * file listed 94 s after it was produced). Client-side session settings are refused by that
 * protocol, so none may be set either.
 */
class KafkaConsumerGroupsTest {

    private static final List<String> SERVICES = List.of("api-gateway", "task-service", "agent-orchestrator",
            "deliverable-service");

    @Test
    void everyIncomingKafkaChannelUsesTheConsumerGroupProtocol() {
        Map<String, Properties> channels = kafkaChannels();

        assertThat(channels).as("the services' incoming Kafka channels").isNotEmpty();
        channels.forEach((channel, settings) -> {
            assertThat(settings.getProperty("group.protocol")).as(channel + ".group.protocol").isEqualTo("consumer");
            assertThat(settings.stringPropertyNames()).as(channel + ": settings the consumer protocol refuses")
                    .doesNotContain("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy");
        });
    }

    /**
     * SmallRye's throttled strategy reads a partition's committed offset when its first record
     * arrives, and a failed read ends the channel for good; under the consumer protocol that read
     * fails while a member the broker forgot (broker restart) joins again. The strategy below
     * retries it (common-model's RetryingThrottledCommit).
     */
    @Test
    void everyIncomingKafkaChannelSurvivesAFailedReadOfItsCommittedOffsets() {
        Map<String, Properties> channels = kafkaChannels();

        assertThat(channels).as("the services' incoming Kafka channels").isNotEmpty();
        channels.forEach((channel, settings) -> assertThat(settings.getProperty("commit-strategy"))
                .as(channel + ".commit-strategy").isEqualTo("throttled-retrying"));
    }

    /** service/channel → the channel's own settings (prefix removed), for channels on the Kafka connector. */
    private static Map<String, Properties> kafkaChannels() {
        Map<String, Properties> channels = new TreeMap<>();
        for (String service : SERVICES) {
            Properties all = load(Path.of("..", service, "src", "main", "resources", "application.properties"));
            for (String key : all.stringPropertyNames()) {
                if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".connector")
                        && all.getProperty(key).equals("smallrye-kafka")) {
                    String prefix = key.substring(0, key.length() - "connector".length());
                    Properties settings = new Properties();
                    all.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                            .forEach(k -> settings.setProperty(k.substring(prefix.length()), all.getProperty(k)));
                    channels.put(service + "/" + prefix.substring("mp.messaging.incoming.".length(),
                            prefix.length() - 1), settings);
                }
            }
        }
        return channels;
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
