-- The active-task cap asks task-service for its count before it takes its lock, so it also counts the
-- submissions marked projected since its transaction began (ActiveTaskLimit): those of one account
-- and mode by the time they were marked. A marked submission leaves the partial index of V4.
CREATE INDEX task_submissions_projected_at ON task_submissions (account_id, mode, projected_at)
    WHERE projected_at IS NOT NULL;
