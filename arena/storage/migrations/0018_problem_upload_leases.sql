-- A problem upload's check runs under a lease its worker renews; the sweeper takes back an upload
-- whose worker died (lease expired) or whose job was lost, under a new attempt (the job id has
-- it, so a stale job claims nothing), and fails it after a few. ``notice`` tells the admin why.
ALTER TABLE problem_uploads ADD COLUMN IF NOT EXISTS attempt int NOT NULL DEFAULT 0;
ALTER TABLE problem_uploads ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz;
ALTER TABLE problem_uploads ADD COLUMN IF NOT EXISTS enqueued_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE problem_uploads ADD COLUMN IF NOT EXISTS notice text;
CREATE INDEX IF NOT EXISTS problem_uploads_unsettled ON problem_uploads (id)
    WHERE status IN ('queued', 'checking');
