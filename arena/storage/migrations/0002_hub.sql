-- The contest hub: login sessions, likes, freeze bookkeeping and the frozen history of results.
-- arena: needs-stop: drops contests.frozen_override, which the previous version reads.

-- Only a hash of each token is kept, so a leaked table does not log anyone in.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE problem_likes (
    problem_id  bigint NOT NULL REFERENCES problems (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (problem_id, user_id)
);

-- A moderator's freeze takes effect at frozen_at; unfreezing sets unfrozen_at (the reveal).
-- Without either, a contest with freeze_duration_s > 0 freezes at end - freeze_duration_s and
-- stays frozen until a moderator unfreezes it.
ALTER TABLE contests ADD COLUMN frozen_at timestamptz;
ALTER TABLE contests ADD COLUMN unfrozen_at timestamptz;
ALTER TABLE contests DROP COLUMN frozen_override;

-- Final standings, recomputed from the submissions after the end; profiles read them.
CREATE TABLE contest_results (
    contest_id  bigint NOT NULL REFERENCES contests (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    rank        int NOT NULL,
    solved      int NOT NULL,
    penalty     int NOT NULL,
    score       double precision NOT NULL,
    row_json    jsonb NOT NULL,
    PRIMARY KEY (contest_id, user_id)
);
CREATE INDEX contest_results_user ON contest_results (user_id);

CREATE INDEX submissions_contest_user ON submissions (contest_id, user_id);
CREATE INDEX clarifications_contest ON clarifications (contest_id, asked_at);
CREATE INDEX announcements_contest ON announcements (contest_id, created_at);
CREATE INDEX problems_difficulty ON problems (difficulty, id);
CREATE INDEX submissions_contest_ac ON submissions (contest_id, problem_id, submitted_at, id)
    WHERE verdict = 'AC' AND status = 'done';
-- Logins match usernames case-insensitively, so two accounts may not differ only in case.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
