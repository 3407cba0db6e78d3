package com.miteos.tasks.repository;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An owner's unfinished-task count ({@link TaskReadRepository#countActive}: the sum of the
 * {@code task_count_deltas} rows a trigger on {@code tasks} appends, V7) equals counting the tasks
 * themselves, through every way a row enters or leaves the set (a status that overtook its
 * {@code task.created}, each status, a terminal one, another mode, a deletion), and stays equal while
 * {@link UnfinishedCountCompaction} folds the rows, also while writers and compactions run at once.
 * Each test uses an account of its own; the timed compaction is off in tests (PT1H).
 */
@QuarkusTest
class UnfinishedTaskCountTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String UNFINISHED = "prompt IS NOT NULL AND status IN ('pending', 'planning', 'running', 'paused')";

    @Inject
    Pool pool;

    @Inject
    TaskReadRepository tasks;

    @Inject
    UnfinishedCountCompaction compaction;

    private Owner owner;

    @BeforeEach
    void setUp() {
        owner = new Owner(Ids.newId(IdPrefix.ACCOUNT), Mode.TEST);
    }

    @Test
    void theCountFollowsEveryWayATaskEntersAndLeavesTheUnfinishedSet() {
        String overtaken = Ids.newId(IdPrefix.TASK);
        insert(overtaken, owner, "running", null); // a status event came before task.created
        assertCount(0);
        sql("UPDATE tasks SET prompt = 'p' WHERE id = $1", overtaken); // task.created fills the prompt in
        assertCount(1);

        String task = Ids.newId(IdPrefix.TASK);
        insert(task, owner, "pending", "q");
        assertCount(2);
        for (String status : List.of("planning", "running", "paused", "running")) {
            sql("UPDATE tasks SET status = $2 WHERE id = $1", task, status);
            assertCount(2);
        }
        sql("UPDATE tasks SET status = 'complete' WHERE id = $1", task);
        assertCount(1);
        sql("UPDATE tasks SET status = 'complete', updated_at = now() WHERE id = $1", task); // a repeat
        assertCount(1);

        String finishedFirst = Ids.newId(IdPrefix.TASK);
        insert(finishedFirst, owner, "failed", null);
        sql("UPDATE tasks SET prompt = 'r' WHERE id = $1", finishedFirst);
        assertCount(1);

        Owner live = new Owner(owner.accountId(), Mode.LIVE);
        insert(Ids.newId(IdPrefix.TASK), live, "pending", "s");
        assertCount(1);
        assertThat(count(live)).isEqualTo(1);

        sql("DELETE FROM tasks WHERE id = $1", overtaken);
        assertCount(0);
    }

    @Test
    void compactionFoldsAnOwnersRowsIntoOneAndKeepsTheCount() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = Ids.newId(IdPrefix.TASK);
            ids.add(id);
            insert(id, owner, "pending", "p" + i);
        }
        sql("UPDATE tasks SET status = 'cancelled' WHERE id = $1", ids.get(0));
        assertThat(deltaRows(owner)).isEqualTo(6);

        compaction.compact().await().atMost(WAIT);
        assertThat(deltaRows(owner)).isEqualTo(1);
        assertCount(4);

        for (String id : ids) {
            sql("UPDATE tasks SET status = 'complete' WHERE id = $1 AND status <> 'cancelled'", id);
        }
        assertCount(0);
        compaction.compact().await().atMost(WAIT);
        assertThat(deltaRows(owner)).as("an owner with nothing unfinished keeps no row").isZero();
        assertCount(0);
    }

    @Test
    void writersAndCompactionsAtOnceKeepTheCount() {
        Random random = new Random(17);
        List<String> ids = new ArrayList<>();
        List<Uni<Void>> work = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = Ids.newId(IdPrefix.TASK);
            ids.add(id);
            work.add(execute("INSERT INTO tasks (id, account_id, mode, status, prompt, sequence, updated_at)"
                    + " VALUES ($1, $2, $3, 'pending', 'p', 1, now())", id, owner.accountId(), owner.mode().value()));
        }
        Uni.join().all(work).andFailFast().await().atMost(WAIT);

        List<Uni<Void>> mixed = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (String id : ids) {
                String status = List.of("running", "paused", "complete", "failed", "pending").get(random.nextInt(5));
                mixed.add(execute("UPDATE tasks SET status = $2 WHERE id = $1"
                        + " AND status NOT IN ('complete', 'failed', 'cancelled')", id, status));
            }
            mixed.add(compaction.compact().replaceWithVoid());
        }
        Uni.join().all(mixed).andFailFast().await().atMost(WAIT);

        assertCount(truth(owner));
        compaction.compact().await().atMost(WAIT);
        assertCount(truth(owner));
        assertThat(deltaRows(owner)).isLessThanOrEqualTo(1);
    }

    private void assertCount(long expected) {
        assertThat(truth(owner)).as("the tasks themselves").isEqualTo(expected);
        assertThat(count(owner)).as("the kept count").isEqualTo(expected);
    }

    private long count(Owner whose) {
        return tasks.countActive(whose).await().atMost(WAIT);
    }

    private long truth(Owner whose) {
        return single("SELECT count(*) FROM tasks WHERE account_id = $1 AND mode = $2 AND " + UNFINISHED, whose);
    }

    private long deltaRows(Owner whose) {
        return single("SELECT count(*) FROM task_count_deltas WHERE account_id = $1 AND mode = $2", whose);
    }

    private long single(String query, Owner whose) {
        return pool.preparedQuery(query).execute(Tuple.of(whose.accountId(), whose.mode().value()))
                .map(rows -> rows.iterator().next().getLong(0)).await().atMost(WAIT);
    }

    private void insert(String id, Owner whose, String status, String prompt) {
        sql("INSERT INTO tasks (id, account_id, mode, status, prompt, sequence, updated_at)"
                + " VALUES ($1, $2, $3, $4, $5, 1, now())", id, whose.accountId(), whose.mode().value(), status, prompt);
    }

    private void sql(String statement, Object... args) {
        execute(statement, args).await().atMost(WAIT);
    }

    private Uni<Void> execute(String statement, Object... args) {
        return pool.preparedQuery(statement).execute(Tuple.from(Arrays.asList(args))).replaceWithVoid();
    }
}
