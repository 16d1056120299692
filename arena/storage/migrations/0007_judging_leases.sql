-- A claim holds a lease that the judging worker renews (a heartbeat); once it has expired the
-- submission is judgeable again, under a new arq job (job_round), without waiting for arq's own
-- job timeout.
ALTER TABLE submissions ADD COLUMN lease_expires_at timestamptz;
ALTER TABLE submissions ADD COLUMN job_round int NOT NULL DEFAULT 0;
-- Set with the verdict, cleared once the live board took it in: the sweeper repairs the board
-- of a verdict whose refresh failed (Redis down between the commit and the refresh).
ALTER TABLE submissions ADD COLUMN board_pending boolean NOT NULL DEFAULT false;
CREATE INDEX submissions_board_pending ON submissions (id) WHERE board_pending;
CREATE INDEX submissions_judging_user ON submissions (user_id) WHERE status = 'judging';
