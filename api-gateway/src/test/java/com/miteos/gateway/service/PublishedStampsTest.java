package com.miteos.gateway.service;

import com.miteos.gateway.messaging.TaskCommandPublisher;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The {@code published_at} stamps of {@link SubmissionDelivery} are group-committed: the submissions
 * the broker acknowledged while a stamp was being written are stamped together in the next
 * statement, each delivery completes once its own stamp is written, and a stamp that fails fails no
 * delivery (the relay publishes those again) and does not stop the stamps after it.
 */
class PublishedStampsTest {

    private final SubmissionOutbox outbox = mock(SubmissionOutbox.class);
    private final TaskCommandPublisher publisher = mock(TaskCommandPublisher.class);
    private final SubmissionDelivery delivery = new SubmissionDelivery(outbox, publisher);
    /** The ids of each stamp statement, in order, and the statements' outcomes the test releases. */
    private final List<List<String>> stamped = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> statements = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        when(publisher.taskCreated(any(), any())).thenReturn(Uni.createFrom().voidItem());
        when(outbox.markPublished(anyList())).thenAnswer(call -> {
            stamped.add(List.copyOf(call.<List<String>>getArgument(0)));
            CompletableFuture<Void> statement = new CompletableFuture<>();
            statements.add(statement);
            return Uni.createFrom().completionStage(statement);
        });
    }

    @Test
    void theSubmissionsAcknowledgedWhileAStampIsWrittenAreStampedTogetherInTheNext() {
        List<TaskSubmission> submissions = IntStream.range(0, 10).mapToObj(i -> submission()).toList();
        List<CompletableFuture<Void>> delivered = new ArrayList<>();
        for (TaskSubmission s : submissions) {
            delivered.add(delivery.deliverUnpublished(s).subscribeAsCompletionStage());
        }

        assertThat(stamped).as("the first stamp is under way; the others wait for it")
                .containsExactly(List.of(submissions.get(0).taskId()));
        assertThat(delivered).noneMatch(CompletableFuture::isDone);

        statements.get(0).complete(null);
        assertThat(delivered.get(0)).isCompleted();
        assertThat(stamped).hasSize(2);
        assertThat(stamped.get(1)).as("one statement for the nine acknowledged meanwhile")
                .containsExactlyElementsOf(submissions.subList(1, 10).stream().map(TaskSubmission::taskId).toList());
        assertThat(delivered.subList(1, 10)).noneMatch(CompletableFuture::isDone);

        statements.get(1).complete(null);
        assertThat(delivered).allMatch(d -> d.isDone() && !d.isCompletedExceptionally());
        verify(outbox, never()).markPublished(any(String.class));
    }

    @Test
    void aStampThatFailsFailsNoDeliveryAndTheNextStampIsStillWritten() {
        TaskSubmission first = submission();
        TaskSubmission second = submission();
        CompletableFuture<Void> firstDelivered = delivery.deliverUnpublished(first).subscribeAsCompletionStage();
        CompletableFuture<Void> secondDelivered = delivery.deliverUnpublished(second).subscribeAsCompletionStage();

        statements.get(0).completeExceptionally(new IllegalStateException("database away"));

        assertThat(firstDelivered).as("the broker has it: the relay publishes it again, harmlessly").isCompleted();
        assertThat(stamped).containsExactly(List.of(first.taskId()), List.of(second.taskId()));
        statements.get(1).complete(null);
        assertThat(secondDelivered).isCompleted();
    }

    private static TaskSubmission submission() {
        return new TaskSubmission(Ids.newId(IdPrefix.TASK), Ids.newId(IdPrefix.ACCOUNT), Mode.TEST.value(), null,
                "0".repeat(64), "stamp me", new TaskConfig(1, 80, false, null, null), Instant.now(), null, null);
    }
}
