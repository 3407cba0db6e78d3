package com.miteos.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.client.TaskServiceApi;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskView;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The active-task cap across gateway replicas: two {@link ActiveTaskLimit}s, each on a connection
 * pool of its own to the test database, stand for two gateways. Submissions of one account sent
 * at once through both never exceed the cap; a submission counts until the read model shows it,
 * and then counts there; with the read model away, what it has not shown is still capped. The
 * submissions of one account that arrive while one of its admissions is under way share the next
 * transaction (group commit), which still stores no more than the room there is.
 */
@QuarkusTest
class ActiveTaskCapAcrossReplicasTest {

    private static final int CAP = 5;
    private static final int BATCH = 64;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper json;

    private PgPool otherGatewaysPool;
    /** What the stub read model answers for the account's unfinished tasks. */
    private final AtomicReference<Supplier<Uni<Long>>> readModel =
            new AtomicReference<>(() -> Uni.createFrom().item(0L));
    private final Caller caller = new Caller(Ids.newId(IdPrefix.ACCOUNT), Mode.TEST, "key_test");
    /** How often the stub read model was asked: once per admission transaction. */
    private final AtomicInteger readModelAsked = new AtomicInteger();

    @BeforeEach
    void openTheSecondGatewaysPool() {
        var config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions
                .fromUri(config.getValue("quarkus.datasource.reactive.url", String.class))
                .setUser(config.getValue("quarkus.datasource.username", String.class))
                .setPassword(config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
        otherGatewaysPool = PgPool.pool(vertx, options, new PoolOptions().setMaxSize(16));
    }

    @AfterEach
    void closeIt() {
        otherGatewaysPool.closeAndAwait();
    }

    @Test
    void submissionsSentAtOnceThroughTwoGatewaysNeverExceedTheCap() {
        List<ActiveTaskLimit> gateways = List.of(gateway(pool), gateway(otherGatewaysPool));
        List<Uni<Boolean>> submissions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            submissions.add(gateways.get(i % 2).admit(caller, submission())
                    .onFailure(ApiProblem.class).recoverWithItem(e -> {
                        assertThat(((ApiProblem) e).status()).isEqualTo(429);
                        return false;
                    }));
        }

        List<Boolean> stored = Uni.join().all(submissions).andFailFast().await().atMost(Duration.ofSeconds(60));

        assertThat(stored.stream().filter(Boolean::booleanValue).count()).as("admitted").isEqualTo(CAP);
        assertThat(storedSubmissions()).as("stored").isEqualTo(CAP);
    }

    @Test
    void aSubmissionCountsUntilTheReadModelShowsItAndThenCountsThere() {
        ActiveTaskLimit gateway = gateway(pool);
        List<TaskSubmission> accepted = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            TaskSubmission s = submission();
            assertThat(gateway.admit(caller, s).await().indefinitely()).isTrue();
            accepted.add(s);
        }
        assertThatThrownBy(() -> gateway.admit(caller, submission()).await().indefinitely())
                .as("the read model shows none of them yet").isInstanceOf(ApiProblem.class);

        // The read model shows the first one now, still running: the cap still counts it, once.
        readModel.set(() -> Uni.createFrom().item(1L));
        new SubmissionOutbox(pool, json).markProjected(accepted.get(0).taskId()).await().indefinitely();
        assertThatThrownBy(() -> gateway.admit(caller, submission()).await().indefinitely())
                .isInstanceOf(ApiProblem.class);

        // It finished.
        readModel.set(() -> Uni.createFrom().item(0L));
        assertThat(gateway.admit(caller, submission()).await().indefinitely()).isTrue();
    }

    @Test
    void withTheReadModelAwayWhatItHasNotShownIsStillCapped() {
        readModel.set(() -> Uni.createFrom().failure(new IllegalStateException("task-service is down")));
        ActiveTaskLimit gateway = gateway(pool);
        for (int i = 0; i < CAP; i++) {
            assertThat(gateway.admit(caller, submission()).await().indefinitely()).isTrue();
        }

        assertThatThrownBy(() -> gateway.admit(caller, submission()).await().indefinitely())
                .isInstanceOf(ApiProblem.class);
    }

    @Test
    void submissionsArrivingDuringAnAdmissionAreAdmittedTogetherAndStillCapped() {
        CompletableFuture<Long> firstAnswer = new CompletableFuture<>();
        readModel.set(() -> readModelAsked.get() == 1 ? Uni.createFrom().completionStage(firstAnswer)
                : Uni.createFrom().item(0L));
        ActiveTaskLimit gateway = gateway(pool);
        List<Uni<Boolean>> submissions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            submissions.add(gateway.admit(caller, submission()).onFailure(ApiProblem.class).recoverWithItem(false));
        }
        Uni<List<Boolean>> all = Uni.join().all(submissions).andFailFast();
        CompletableFuture<List<Boolean>> outcomes = all.subscribeAsCompletionStage().toCompletableFuture();

        // The first one's transaction waits for the read model; the 19 others arrive meanwhile.
        firstAnswer.complete(0L);
        List<Boolean> stored = Uni.createFrom().completionStage(outcomes).await().atMost(Duration.ofSeconds(60));

        assertThat(readModelAsked.get()).as("admission transactions").isEqualTo(2);
        assertThat(stored.stream().filter(Boolean::booleanValue).count()).as("admitted").isEqualTo(CAP);
        assertThat(storedSubmissions()).as("stored").isEqualTo(CAP);
    }

    @Test
    void aKeyRepeatedInOneBatchIsStoredOnceAndTheOtherReplays() {
        CompletableFuture<Long> firstAnswer = new CompletableFuture<>();
        readModel.set(() -> readModelAsked.get() == 1 ? Uni.createFrom().completionStage(firstAnswer)
                : Uni.createFrom().item(0L));
        ActiveTaskLimit gateway = gateway(pool);
        Uni<List<Boolean>> all = Uni.join().all(gateway.admit(caller, submission()),
                gateway.admit(caller, submission("same-key")), gateway.admit(caller, submission("same-key")))
                .andFailFast();
        CompletableFuture<List<Boolean>> outcomes = all.subscribeAsCompletionStage().toCompletableFuture();

        firstAnswer.complete(0L);

        assertThat(Uni.createFrom().completionStage(outcomes).await().atMost(Duration.ofSeconds(60)))
                .containsExactly(true, true, false);
        assertThat(readModelAsked.get()).as("admission transactions").isEqualTo(2);
        assertThat(storedSubmissions()).isEqualTo(2);
    }

    private ActiveTaskLimit gateway(Pool itsPool) {
        return new ActiveTaskLimit(new StubReadModel(), new SubmissionOutbox(itsPool, json), CAP, BATCH);
    }

    private TaskSubmission submission() {
        return submission(null);
    }

    private TaskSubmission submission(String idempotencyKey) {
        return new TaskSubmission(Ids.newId(IdPrefix.TASK), caller.accountId(), caller.mode().value(), idempotencyKey, "hash",
                "a prompt", new TaskConfig(1, 50, false, null, null), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                null, null);
    }

    private long storedSubmissions() {
        return pool.preparedQuery("SELECT count(*) AS stored FROM task_submissions WHERE account_id = $1")
                .execute(Tuple.of(caller.accountId())).await().indefinitely().iterator().next().getLong("stored");
    }

    /** task-service's active count, answered from another thread as a remote call would be. */
    private class StubReadModel implements TaskServiceApi {

        @Override
        public Uni<Map<String, Long>> activeCount(String accountId, String mode) {
            readModelAsked.incrementAndGet();
            return readModel.get().get().emitOn(Infrastructure.getDefaultExecutor())
                    .map(active -> Map.of("active", active));
        }

        @Override
        public Uni<TaskView> get(String id, String accountId, String mode, long waitMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<TaskPage> list(String accountId, String mode, String status, int limit, int offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<List<String>> shown(List<String> ids) {
            throw new UnsupportedOperationException();
        }
    }
}
