-- When the gateway saw a submission in task-service's read model. Until then the active-task cap
-- counts the submission itself (ActiveTaskLimit): the read model does not count it yet.
ALTER TABLE task_submissions ADD COLUMN projected_at timestamptz;

-- Earlier submissions are long projected.
UPDATE task_submissions SET projected_at = created_at;

-- The cap counts one account's unprojected submissions in one mode on every POST; they are few.
CREATE INDEX task_submissions_unprojected ON task_submissions (account_id, mode) WHERE projected_at IS NULL;
