-- Per-contestant time: seconds a moderator gave one contestant past the contest's end
-- (accessibility, a late start after a technical problem).
ALTER TABLE registrations ADD COLUMN IF NOT EXISTS extra_s int NOT NULL DEFAULT 0
    CHECK (extra_s >= 0);

-- Medal counts of the results export and the awards (the ICPC's 4/4/4 by default).
ALTER TABLE contests ADD COLUMN IF NOT EXISTS gold_medals int NOT NULL DEFAULT 4
    CHECK (gold_medals >= 0);
ALTER TABLE contests ADD COLUMN IF NOT EXISTS silver_medals int NOT NULL DEFAULT 4
    CHECK (silver_medals >= 0);
ALTER TABLE contests ADD COLUMN IF NOT EXISTS bronze_medals int NOT NULL DEFAULT 4
    CHECK (bronze_medals >= 0);

-- A problem package uploaded in the browser: checked in the background, then published
-- (problems.current_version moves to its version only then).
CREATE TABLE IF NOT EXISTS problem_uploads (
    id           bigserial PRIMARY KEY,
    slug         text NOT NULL,
    status       text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'checking', 'ready', 'failed', 'published')),
    archive_hash text NOT NULL,
    problem_id   bigint REFERENCES problems (id),
    version      int,
    report       jsonb NOT NULL DEFAULT '{}',
    error        text,
    uploaded_by  bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX IF NOT EXISTS audit_log_created ON audit_log (created_at DESC);
