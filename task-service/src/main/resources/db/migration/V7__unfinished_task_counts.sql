-- The gateway asks for an owner's unfinished tasks (shown, and pending, planning, running or
-- paused) before every admission batch under its active-task cap. Counting them in tasks costs
-- O(unfinished tasks), 10-25 ms for an account with tens of thousands. So the count is kept as it
-- changes: every time a row of tasks enters or leaves that set, a trigger appends +1 or -1 for its
-- owner to task_count_deltas, in the same transaction, and the count is the sum of the owner's rows
-- (TaskReadRepository.countActive). UnfinishedCountCompaction folds the rows into one per owner
-- every few seconds, so that sum reads a handful of rows.
--
-- Why appended deltas rather than one counter row per owner updated in place: two task-service
-- replicas project batches side by side, and two batches that touch two owners' counters in
-- opposite orders would deadlock. Appending takes no lock another writer waits for. Why a trigger:
-- every write to tasks counts, whichever code path or service version makes it (a rolling upgrade
-- runs old replicas beside new ones).
CREATE TABLE task_count_deltas (
    id         bigserial PRIMARY KEY,
    account_id text   NOT NULL,
    mode       text   NOT NULL,
    delta      bigint NOT NULL
);

CREATE INDEX task_count_deltas_by_owner ON task_count_deltas (account_id, mode);

CREATE FUNCTION tasks_count_unfinished() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_counted boolean := false;
    is_counted  boolean := false;
    same_owner  boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        was_counted := OLD.prompt IS NOT NULL AND OLD.status IN ('pending', 'planning', 'running', 'paused');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        is_counted := NEW.prompt IS NOT NULL AND NEW.status IN ('pending', 'planning', 'running', 'paused');
    END IF;
    IF TG_OP = 'UPDATE' THEN
        same_owner := OLD.account_id = NEW.account_id AND OLD.mode = NEW.mode;
    END IF;
    IF was_counted AND NOT (is_counted AND same_owner) THEN
        INSERT INTO task_count_deltas (account_id, mode, delta) VALUES (OLD.account_id, OLD.mode, -1);
    END IF;
    IF is_counted AND NOT (was_counted AND same_owner) THEN
        INSERT INTO task_count_deltas (account_id, mode, delta) VALUES (NEW.account_id, NEW.mode, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_count_unfinished
    AFTER INSERT OR UPDATE OF status, prompt, account_id, mode OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_count_unfinished();

-- The tasks written before this migration (the trigger's lock on tasks holds writers off until it
-- commits, so none is missed or counted twice).
INSERT INTO task_count_deltas (account_id, mode, delta)
SELECT account_id, mode, count(*)
  FROM tasks
 WHERE prompt IS NOT NULL AND status IN ('pending', 'planning', 'running', 'paused')
 GROUP BY account_id, mode;

-- V6's partial index served the count this replaces; nothing reads it any more, and every status
-- change paid for it.
DROP INDEX IF EXISTS tasks_active_by_owner;
