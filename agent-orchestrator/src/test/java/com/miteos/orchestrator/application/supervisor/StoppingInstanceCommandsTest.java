package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Once an instance has begun to stop, a pause or resume for a task it no longer runs must not be
 * acknowledged: Kafka still hands it the partition's commands until its consumer closes, and an
 * acknowledged command would never reach the task's next owner. That holds from the drain on,
 * when the suspended runs leave this instance while its partitions are not released yet (an
 * approval answered in that window was lost in a scale test). Before stopping, a resume of a task
 * not running here (it ended) is done with. Its own Quarkus application: stopping cannot be undone.
 */
@QuarkusTest
@TestProfile(StoppingInstanceCommandsTest.OwnApplication.class)
class StoppingInstanceCommandsTest {

    /** A profile of its own, so that this stopped instance is not the one the other tests use. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @Inject
    TaskCommandHandler commands;

    @Inject
    PartitionOwnership ownership;

    @Inject
    ShutdownDrain drain;

    @Test
    void aStoppingInstanceLeavesCommandsForTasksItNoLongerRunsUnacknowledged() {
        String ended = Ids.newId(IdPrefix.TASK);
        commands.resume(ended, null, "evt_before").await().atMost(Duration.ofSeconds(10));

        drain.drain();

        assertThat(ownership.stopping()).as("stopping from the drain on, before the partitions are released").isTrue();
        String drained = Ids.newId(IdPrefix.TASK);
        assertThatThrownBy(() -> commands.resume(drained, null, "evt_drained").await().atMost(Duration.ofSeconds(10)))
                .as("a resume arriving between the drain and the release").isInstanceOf(TaskCommandHandler.TaskMoving.class);
        EventEnvelope<TaskCreated> created = EventEnvelope.of(drained, "acct_test", Mode.TEST, 0,
                new TaskCreated("Write a short report.", new TaskConfig(1, 90, false, null, null), Instant.now()));
        assertThatThrownBy(() -> commands.start(created, 0, null).await().atMost(Duration.ofSeconds(10)))
                .as("a task arriving after the drain took its runs: started here, it would not be suspended")
                .isInstanceOf(TaskCommandHandler.TaskMoving.class);

        ownership.releaseAll(Duration.ofSeconds(2));

        assertThat(ownership.stopping()).isTrue();
        String moving = Ids.newId(IdPrefix.TASK);
        assertThatThrownBy(() -> commands.resume(moving, null, "evt_resume").await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(TaskCommandHandler.TaskMoving.class);
        assertThatThrownBy(() -> commands.pause(moving, "evt_pause").await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(TaskCommandHandler.TaskMoving.class);
    }
}
