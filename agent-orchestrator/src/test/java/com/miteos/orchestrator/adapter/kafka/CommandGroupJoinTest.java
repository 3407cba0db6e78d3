package com.miteos.orchestrator.adapter.kafka;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command channel starts paused with a late subscription (its Kafka consumer does not join the
 * group, so this process gets no partition, until it is warm), and the process resumes it once
 * started: commands then flow.
 */
@QuarkusTest
class CommandGroupJoinTest {

    @Inject
    ChannelRegistry channels;

    @Inject
    CommandGroupJoin join;

    @Test
    void theCommandChannelIsSubscribedOnlyWhenResumedAndIsResumedOnceTheProcessIsWarm() {
        var config = ConfigProvider.getConfig();
        String prefix = "mp.messaging.incoming." + CommandGroupJoin.CHANNEL + ".pausable";
        assertThat(config.getOptionalValue(prefix, Boolean.class)).contains(true);
        assertThat(config.getOptionalValue(prefix + ".initially-paused", Boolean.class)).contains(true);
        assertThat(config.getOptionalValue(prefix + ".late-subscription", Boolean.class))
                .as("a paused channel whose consumer subscribed at once would get partitions while cold").contains(true);

        PausableChannel channel = channels.getPausable(CommandGroupJoin.CHANNEL);
        assertThat(channel).isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> !channel.isPaused());
        await().atMost(Duration.ofSeconds(5)).until(join::joined);
        assertThat(new CommandGroupReadiness(join).call().getStatus().name()).isEqualTo("UP");
    }
}
