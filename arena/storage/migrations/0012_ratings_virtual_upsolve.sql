-- Ratings (the Codeforces system, arena/rating.py), virtual participation and upsolving (#17).
-- Additive: the previous version ignores the new columns and tables.

ALTER TABLE contests ADD COLUMN rated boolean NOT NULL DEFAULT false;

-- One row per participant of a rated, finalized contest; recomputed from a contest onward when
-- its results change, so the history is always the replay of the final results in order.
CREATE TABLE rating_changes (
    contest_id  bigint NOT NULL REFERENCES contests (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    place       int NOT NULL,
    seed        double precision NOT NULL,
    old_rating  int NOT NULL,
    new_rating  int NOT NULL,
    rated_at    timestamptz NOT NULL,  -- the contest's end: the order contests are rated in
    PRIMARY KEY (contest_id, user_id)
);
CREATE INDEX rating_changes_user ON rating_changes (user_id, rated_at);

-- Each rated user's current rating (the last row of their history), for total_rank.
CREATE TABLE user_ratings (
    user_id  bigint PRIMARY KEY REFERENCES users (id),
    rating   int NOT NULL,
    contests int NOT NULL
);
CREATE INDEX user_ratings_rating ON user_ratings (rating DESC);

-- A finished contest replayed by one user with its full duration from started_at.
CREATE TABLE virtual_participations (
    id          bigserial PRIMARY KEY,
    contest_id  bigint NOT NULL REFERENCES contests (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    started_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (contest_id, user_id)
);

-- Virtual and upsolve submissions have no contest_id (nothing official reads them): they name
-- their participation or their contest here instead.
ALTER TABLE submissions ADD COLUMN virtual_id bigint REFERENCES virtual_participations (id);
ALTER TABLE submissions ADD COLUMN upsolve_contest_id bigint REFERENCES contests (id);
CREATE INDEX submissions_virtual ON submissions (virtual_id) WHERE virtual_id IS NOT NULL;
CREATE INDEX submissions_upsolve ON submissions (upsolve_contest_id, user_id)
    WHERE upsolve_contest_id IS NOT NULL;
