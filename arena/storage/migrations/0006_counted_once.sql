-- A submission counts once in its problem's statistics, at its first verdict, whichever attempt
-- or job round gives it (not 'attempt 1': a first attempt can be handed back or requeued).
-- Additive: the previous version ignores the column (it counts attempt 1, as before).
ALTER TABLE submissions ADD COLUMN counted boolean NOT NULL DEFAULT false;
UPDATE submissions SET counted = true WHERE status = 'done' OR attempt > 1;
