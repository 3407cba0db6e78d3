package com.miteos.gateway.service;

import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A relay drain publishes a whole backlog, page after page, rather than one page per interval
 * (after a broker outage, thousands of submissions wait); each page is read after the last row of
 * the one before, so no row is read twice in a drain; the first refusal ends the drain.
 */
class SubmissionRelayTest {

    private static final Duration GRACE = Duration.ofSeconds(10);

    private final SubmissionOutbox outbox = mock(SubmissionOutbox.class);
    private final SubmissionDelivery delivery = mock(SubmissionDelivery.class);
    private final SubmissionRelay relay = new SubmissionRelay(outbox, delivery, Duration.ofMinutes(10), GRACE);
    /** The cursor each read started after (null: from the oldest). */
    private final List<TaskSubmission> readsAfter = new CopyOnWriteArrayList<>();
    private final List<TaskSubmission> published = new CopyOnWriteArrayList<>();

    @Test
    void aDrainPublishesABacklogOfSeveralPagesAtOnce() {
        List<TaskSubmission> backlog = backlog(2 * SubmissionRelay.BATCH + 3);
        serve(backlog);
        when(delivery.deliverUnpublished(any())).thenAnswer(call -> {
            published.add(call.getArgument(0));
            return Uni.createFrom().voidItem();
        });

        relay.drain().await().atMost(Duration.ofSeconds(10));

        assertThat(published).containsExactlyInAnyOrderElementsOf(backlog);
        assertThat(readsAfter).as("three pages, each after the last row of the one before")
                .containsExactly(null, backlog.get(SubmissionRelay.BATCH - 1), backlog.get(2 * SubmissionRelay.BATCH - 1));
    }

    @Test
    void theFirstRefusalEndsTheDrain() {
        List<TaskSubmission> backlog = backlog(3 * SubmissionRelay.BATCH);
        serve(backlog);
        TaskSubmission refused = backlog.get(10);
        when(delivery.deliverUnpublished(any())).thenAnswer(call -> call.getArgument(0) == refused
                ? Uni.createFrom().failure(new IllegalStateException("broker away"))
                : Uni.createFrom().voidItem());

        relay.drain().await().atMost(Duration.ofSeconds(10));

        assertThat(readsAfter).as("no page after the one with the refusal").containsExactly((TaskSubmission) null);
    }

    @Test
    void anUnreadableOutboxEndsTheDrainWithoutFailingIt() {
        when(outbox.findUnpublished(any(), any(), anyInt()))
                .thenReturn(Uni.createFrom().failure(new IllegalStateException("database away")));

        assertThat(relay.drain().await().atMost(Duration.ofSeconds(10))).isNull();
    }

    /** The outbox's pages of {@code backlog} (oldest first), read after a cursor, as SubmissionOutbox does. */
    private void serve(List<TaskSubmission> backlog) {
        when(outbox.findUnpublished(any(), any(), anyInt())).thenAnswer(call -> {
            Instant acceptedBefore = call.getArgument(0);
            TaskSubmission after = call.getArgument(1);
            int limit = call.getArgument(2);
            assertThat(acceptedBefore).isBefore(Instant.now().minus(GRACE).plusSeconds(1));
            readsAfter.add(after);
            int from = after == null ? 0 : backlog.indexOf(after) + 1;
            return Uni.createFrom().item(new ArrayList<>(backlog.subList(from, Math.min(from + limit, backlog.size()))));
        });
    }

    private static List<TaskSubmission> backlog(int size) {
        Instant oldest = Instant.now().minus(Duration.ofHours(1));
        return IntStream.range(0, size).mapToObj(i -> new TaskSubmission(Ids.newId(IdPrefix.TASK),
                Ids.newId(IdPrefix.ACCOUNT), Mode.TEST.value(), null, "0".repeat(64), "relay me",
                new TaskConfig(1, 80, false, null, null), oldest.plusSeconds(i), null, null)).toList();
    }
}
