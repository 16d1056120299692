-- A rejudge starts a new attempt on the submission's row; the attempt it replaces is kept here so
-- the Contest API can go on serving its judgement with ``current: false`` (the spec's way of
-- telling a rejudge apart from a deletion). Additive: older code never reads the table.
CREATE TABLE past_judgements (
    submission_id      bigint NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    attempt            int NOT NULL,
    status             text NOT NULL,
    verdict            text,
    score              double precision,
    time_ms            int,
    judging_started_at timestamptz,
    judged_at          timestamptz,
    PRIMARY KEY (submission_id, attempt)
);
