-- Why a task is paused (awaiting approval of what, or paused by the user), and the outcome of
-- deploying its deliverables.
ALTER TABLE tasks ADD COLUMN status_detail jsonb;
ALTER TABLE tasks ADD COLUMN deployment jsonb;
