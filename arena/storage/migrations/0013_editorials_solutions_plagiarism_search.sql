-- Editorials, shared solutions, plagiarism reports and the bank's full-text search (#17).

-- One editorial per problem, written by moderators: the Markdown as written and the HTML it
-- renders to (through the statements' renderer and sanitizer).
CREATE TABLE IF NOT EXISTS editorials (
    problem_id  bigint PRIMARY KEY REFERENCES problems (id),
    markdown    text NOT NULL,
    html        text NOT NULL,
    author_id   bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The author's choice to keep an accepted solution out of the shared solutions.
ALTER TABLE submissions ADD COLUMN IF NOT EXISTS solution_hidden boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS submissions_accepted_by_problem
    ON submissions (contest_id, problem_id, id) WHERE verdict = 'AC';

-- A plagiarism check of a contest (a moderator's button, `arena contest plagiarism`).
CREATE TABLE IF NOT EXISTS plagiarism_runs (
    id              bigserial PRIMARY KEY,
    contest_id      bigint NOT NULL REFERENCES contests (id),
    requested_by    bigint REFERENCES users (id),
    all_submissions boolean NOT NULL DEFAULT false,  -- false: accepted submissions only
    threshold       double precision NOT NULL,
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    message         text NOT NULL DEFAULT '',
    compared        int NOT NULL DEFAULT 0,   -- submissions fingerprinted
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE INDEX IF NOT EXISTS plagiarism_runs_contest ON plagiarism_runs (contest_id, id DESC);

-- A pair above the run's threshold: the shared fingerprints' share and the matched regions
-- (character offsets [[a_start, a_end, b_start, b_end], ...] into each source).
CREATE TABLE IF NOT EXISTS plagiarism_pairs (
    run_id        bigint NOT NULL REFERENCES plagiarism_runs (id),
    problem_id    bigint NOT NULL REFERENCES problems (id),
    language      text NOT NULL,
    submission_a  bigint NOT NULL REFERENCES submissions (id),
    submission_b  bigint NOT NULL REFERENCES submissions (id),
    similarity    double precision NOT NULL,
    regions       jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, submission_a, submission_b)
);

-- The bank's full-text search: titles weigh more than statements; the HTML's tags are
-- not words to the default parser, so the statement HTML is indexed as it is stored.
ALTER TABLE problems ADD COLUMN IF NOT EXISTS search_text tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(statement_html, '')), 'B')
    ) STORED;
CREATE INDEX IF NOT EXISTS problems_search ON problems USING gin (search_text);
