-- A queued submission whose contestant already had their judgings in flight waits for its turn:
-- the judging that ends (or the sweeper) queues it again at its place in its lane. Additive:
-- older code ignores the column (its workers retry such a submission after a delay).
ALTER TABLE submissions ADD COLUMN waiting_turn boolean NOT NULL DEFAULT false;
CREATE INDEX submissions_waiting_turn ON submissions (user_id) WHERE waiting_turn;
