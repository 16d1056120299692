-- A submission counts once in its problem's statistics, at its first verdict. A new attempt that
-- is not a rejudge (a stopping worker hands its claim back) must still count when it finishes.
-- Additive: the previous version ignores the column (it counts attempt 1, as before).
ALTER TABLE submissions ADD COLUMN counted boolean NOT NULL DEFAULT false;
UPDATE submissions SET counted = true WHERE status = 'done' OR attempt > 1;
