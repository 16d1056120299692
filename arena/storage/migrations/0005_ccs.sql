-- The ICPC Contest API event feed: what each feed audience was told, and the events themselves.

-- One row per event; the token is the id. Events of one (contest, audience) are only written
-- under a transaction-scoped advisory lock, so their tokens commit in increasing order and
-- "everything after token N" is exact. data is the object's JSON text as sent; NULL: deleted.
CREATE TABLE ccs_events (
    token       bigserial PRIMARY KEY,
    contest_id  bigint NOT NULL REFERENCES contests (id),
    audience    text NOT NULL CHECK (audience IN ('public', 'jury')),
    type        text NOT NULL,
    object_id   text,
    data        text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ccs_events_feed ON ccs_events (contest_id, audience, token);

-- The latest state of every object the feed announced (object_id '' for contest and state):
-- the next refresh sends only what differs from it.
CREATE TABLE ccs_objects (
    contest_id  bigint NOT NULL REFERENCES contests (id),
    audience    text NOT NULL CHECK (audience IN ('public', 'jury')),
    type        text NOT NULL,
    object_id   text NOT NULL,
    data        text NOT NULL,
    PRIMARY KEY (contest_id, audience, type, object_id)
);
