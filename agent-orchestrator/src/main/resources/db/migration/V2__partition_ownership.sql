-- Scale-out (issue 9): the owner of a task is the consumer of its task.created partition
-- (task.cancel and task.control are co-partitioned with it). Ownership carries an epoch,
-- and every write of a run is fenced by it.

-- Every claim of a task (accepting it, or taking it over) draws a new epoch: an epoch names one
-- claim by one process, so a process that lost its tasks cannot pass for their owner.
CREATE SEQUENCE lease_epochs;

-- The partition of task.created the task came on (NULL: it came without Kafka metadata, e.g.
-- before this version; such tasks are claimed by the heartbeat takeover as before), and the
-- epoch of the claim it runs under.
ALTER TABLE tasks ADD COLUMN command_partition integer;
ALTER TABLE tasks ADD COLUMN lease_epoch bigint;
CREATE INDEX tasks_unfinished_by_partition ON tasks (command_partition)
    WHERE status NOT IN ('complete', 'failed', 'cancelled');

-- Which instance holds each partition, under which epoch. Acquiring a partition draws a new
-- epoch and re-claims its unfinished tasks in the same transaction; releasing it draws another,
-- so that nothing written under the old one passes the fence.
CREATE TABLE partition_leases (
    command_partition integer PRIMARY KEY,
    owner             text,
    epoch             bigint      NOT NULL,
    changed_at        timestamptz NOT NULL DEFAULT now()
);

-- Who wrote a task's journal, under which epoch, from when to when: two epochs of one task
-- never overlap in time (reliability/scale-test.sh checks it).
CREATE TABLE task_ownership (
    task_id        text        NOT NULL REFERENCES tasks ON DELETE CASCADE,
    epoch          bigint      NOT NULL,
    owner          text        NOT NULL,
    first_write_at timestamptz NOT NULL DEFAULT now(),
    last_write_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, epoch)
);
