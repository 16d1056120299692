-- Arena's source of truth. Redis holds only caches and queues that can be rebuilt from here.

CREATE TYPE user_role AS ENUM ('contestant', 'moderator', 'admin');
CREATE TYPE submission_status AS ENUM ('queued', 'judging', 'done', 'failed');
CREATE TYPE contest_scoring AS ENUM ('pass-fail', 'score');

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,32}$'),
    email         text UNIQUE,
    password_hash text NOT NULL,
    role          user_role NOT NULL DEFAULT 'contestant',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE problems (
    id              bigserial PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    title           text NOT NULL,
    difficulty      text NOT NULL DEFAULT 'medium' CHECK (difficulty IN ('easy', 'medium', 'hard')),
    tags            text[] NOT NULL DEFAULT '{}',
    statement_html  text NOT NULL DEFAULT '',
    code_stubs      jsonb NOT NULL DEFAULT '{}',
    current_version int,
    submission_count bigint NOT NULL DEFAULT 0,
    accepted_count  bigint NOT NULL DEFAULT 0,
    like_count      bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problems_tags ON problems USING gin (tags);

-- Each import makes a new version; submissions keep the version they were judged against.
CREATE TABLE problem_versions (
    problem_id      bigint NOT NULL REFERENCES problems (id),
    version         int NOT NULL,
    problem_type    text NOT NULL DEFAULT 'pass-fail',
    time_limit_ms   int NOT NULL CHECK (time_limit_ms > 0),
    memory_mib      int NOT NULL CHECK (memory_mib > 0),
    output_mib      int NOT NULL CHECK (output_mib > 0),
    validator       jsonb NOT NULL DEFAULT '{}',
    package_hash    text NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (problem_id, version)
);

-- Test data lives in the content-addressed blob store; only hashes are here.
CREATE TABLE problem_tests (
    problem_id  bigint NOT NULL,
    version     int NOT NULL,
    ordinal     int NOT NULL,
    name        text NOT NULL,
    is_sample   boolean NOT NULL,
    input_hash  text NOT NULL,
    answer_hash text NOT NULL,
    PRIMARY KEY (problem_id, version, ordinal),
    FOREIGN KEY (problem_id, version) REFERENCES problem_versions (problem_id, version)
);

CREATE TABLE contests (
    id                      bigserial PRIMARY KEY,
    external_id             text UNIQUE,
    name                    text NOT NULL,
    start_time              timestamptz NOT NULL,
    duration_s              int NOT NULL CHECK (duration_s > 0),
    extra_s                 int NOT NULL DEFAULT 0,
    freeze_duration_s       int NOT NULL DEFAULT 0 CHECK (freeze_duration_s >= 0),
    scoring                 contest_scoring NOT NULL DEFAULT 'pass-fail',
    penalty_minutes         int NOT NULL DEFAULT 20,
    public                  boolean NOT NULL DEFAULT true,
    registration_open       boolean NOT NULL DEFAULT true,
    frozen_override         boolean,
    finalized_at            timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contest_problems (
    contest_id  bigint NOT NULL REFERENCES contests (id),
    problem_id  bigint NOT NULL REFERENCES problems (id),
    label       text NOT NULL,
    ordinal     int NOT NULL,
    color       text,
    rgb         text,
    points      int NOT NULL DEFAULT 1,
    PRIMARY KEY (contest_id, problem_id),
    UNIQUE (contest_id, label)
);

CREATE TABLE registrations (
    contest_id     bigint NOT NULL REFERENCES contests (id),
    user_id        bigint NOT NULL REFERENCES users (id),
    registered_at  timestamptz NOT NULL DEFAULT now(),
    disqualified   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (contest_id, user_id)
);

CREATE TABLE submissions (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id),
    contest_id      bigint REFERENCES contests (id),
    problem_id      bigint NOT NULL REFERENCES problems (id),
    problem_version int NOT NULL,
    language        text NOT NULL,
    source          bytea NOT NULL CHECK (octet_length(source) <= 65536),
    status          submission_status NOT NULL DEFAULT 'queued',
    attempt         int NOT NULL DEFAULT 1,
    judge_errors    int NOT NULL DEFAULT 0,
    needs_attention boolean NOT NULL DEFAULT false,
    judge_error     text,  -- the last sandbox failure, for moderators
    verdict         text,
    score           double precision,
    time_ms         int,
    memory_kib      int,
    compile_output  text,
    worker          text,
    -- Set by each claim; only the holder of the latest claim may write the final verdict.
    claim_token     uuid,
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    enqueued_at     timestamptz,
    judging_started_at timestamptz,
    judged_at       timestamptz
);
CREATE INDEX submissions_pending ON submissions (status, submitted_at) WHERE status IN ('queued', 'judging');
CREATE INDEX submissions_contest ON submissions (contest_id, submitted_at);
CREATE INDEX submissions_user ON submissions (user_id, submitted_at DESC);

CREATE TABLE test_results (
    submission_id bigint NOT NULL REFERENCES submissions (id),
    attempt       int NOT NULL,
    ordinal       int NOT NULL,
    name          text NOT NULL,
    verdict       text NOT NULL,
    time_ms       int NOT NULL,
    wall_ms       int NOT NULL,
    memory_kib    int NOT NULL,
    message       text NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, attempt, ordinal)
);

CREATE TABLE clarifications (
    id          bigserial PRIMARY KEY,
    contest_id  bigint NOT NULL REFERENCES contests (id),
    user_id     bigint REFERENCES users (id),
    problem_id  bigint REFERENCES problems (id),
    question    text NOT NULL,
    answer      text,
    answered_by bigint REFERENCES users (id),
    public      boolean NOT NULL DEFAULT false,
    asked_at    timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz
);

CREATE TABLE announcements (
    id         bigserial PRIMARY KEY,
    contest_id bigint NOT NULL REFERENCES contests (id),
    author_id  bigint REFERENCES users (id),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    actor_id   bigint REFERENCES users (id),
    action     text NOT NULL,
    contest_id bigint REFERENCES contests (id),
    details    jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
