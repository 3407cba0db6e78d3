package com.miteos.gateway.service;

import com.miteos.gateway.repository.SubmissionOutbox.Found;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.service.ActiveTaskLimit.Outcome;
import com.miteos.gateway.service.ActiveTaskLimit.Verdict;
import com.miteos.model.task.TaskConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch of one account's submissions is decided as if they had come one after the other ({@link ActiveTaskLimit#decide}). */
class AdmissionDecisionTest {

    @Test
    void aBatchStoresOnlyTheRoomThereIsInItsOrder() {
        List<Outcome> outcomes = ActiveTaskLimit.decide(List.of(submission(null), submission(null), submission(null)),
                new Found(3, Set.of()), 5);

        assertThat(outcomes).extracting(Outcome::verdict)
                .containsExactly(Verdict.STORED, Verdict.STORED, Verdict.NO_ROOM);
        assertThat(outcomes.get(2).unfinished()).as("counted when refused").isEqualTo(5);
    }

    @Test
    void aKeyUsedBeforeReplaysEvenWithoutRoom() {
        assertThat(ActiveTaskLimit.decide(List.of(submission("old"), submission(null)), new Found(5, Set.of("old")), 5))
                .extracting(Outcome::verdict).containsExactly(Verdict.KEY_USED, Verdict.NO_ROOM);
    }

    @Test
    void aKeyRepeatedInTheBatchSharesTheFateOfItsFirst() {
        assertThat(ActiveTaskLimit.decide(List.of(submission("k"), submission("k")), new Found(0, Set.of()), 5))
                .extracting(Outcome::verdict).containsExactly(Verdict.STORED, Verdict.KEY_USED);
        assertThat(ActiveTaskLimit.decide(List.of(submission("k"), submission("k")), new Found(5, Set.of()), 5))
                .extracting(Outcome::verdict).containsExactly(Verdict.NO_ROOM, Verdict.NO_ROOM);
    }

    private static TaskSubmission submission(String key) {
        return new TaskSubmission("task_" + System.nanoTime(), "acct_a", "test", key, "hash", "a prompt",
                new TaskConfig(1, 50, false, null, null), Instant.EPOCH, null, null);
    }
}
