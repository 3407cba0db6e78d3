package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Once an instance has suspended its runs and released its partitions to stop, a pause or resume
 * for a task it no longer runs must not be acknowledged: Kafka still hands it the partition's
 * commands until its consumer closes, and an acknowledged command would never reach the task's
 * next owner. Before stopping, a resume of a task not running here (it ended) is done with.
 * Its own Quarkus application: stopping cannot be undone.
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

    @Test
    void aStoppingInstanceLeavesCommandsForTasksItNoLongerRunsUnacknowledged() {
        String ended = Ids.newId(IdPrefix.TASK);
        commands.resume(ended, null, "evt_before").await().atMost(Duration.ofSeconds(10));

        ownership.releaseAll(Duration.ofSeconds(2));

        assertThat(ownership.stopping()).isTrue();
        String moving = Ids.newId(IdPrefix.TASK);
        assertThatThrownBy(() -> commands.resume(moving, null, "evt_resume").await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(TaskCommandHandler.TaskMoving.class);
        assertThatThrownBy(() -> commands.pause(moving, "evt_pause").await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(TaskCommandHandler.TaskMoving.class);
    }
}
