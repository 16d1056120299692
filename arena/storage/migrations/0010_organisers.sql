-- Organisers in the browser (#15): contest visibility, invitations and registration windows,
-- per-contest moderators, soft deletion; teams with members, organizations and groups.

-- 'public': listed and readable by anyone; 'private': only its registered teams and its staff;
-- 'invite': as private, and whoever holds invite_code may register. public mirrors
-- visibility = 'public' so readers of before keep working.
ALTER TABLE contests ADD COLUMN visibility text NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'private', 'invite'));
ALTER TABLE contests ADD COLUMN invite_code text;
ALTER TABLE contests ADD COLUMN registration_start timestamptz;
ALTER TABLE contests ADD COLUMN registration_end timestamptz;
ALTER TABLE contests ADD COLUMN max_team_size int NOT NULL DEFAULT 3 CHECK (max_team_size >= 1);
-- A deleted contest (it had no submissions) keeps its row for the audit log, hidden everywhere.
ALTER TABLE contests ADD COLUMN deleted_at timestamptz;
ALTER TABLE contests ADD COLUMN created_by bigint REFERENCES users (id);
CREATE UNIQUE INDEX contests_invite_code ON contests (invite_code) WHERE invite_code IS NOT NULL;

-- Moderators of one contest (global moderators and admins need no row).
CREATE TABLE contest_moderators (
    contest_id  bigint NOT NULL REFERENCES contests (id),
    user_id     bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (contest_id, user_id)
);

-- Affiliations and categories are shared by contests, as in the Contest Package.
CREATE TABLE organizations (
    id           bigserial PRIMARY KEY,
    external_id  text NOT NULL UNIQUE,
    name         text NOT NULL,
    formal_name  text,
    country      text,          -- ISO 3166-1 alpha-3
    logo_sha256  text,          -- blob store
    logo_mime    text
);

CREATE TABLE team_groups (
    id           bigserial PRIMARY KEY,
    external_id  text NOT NULL UNIQUE,
    name         text NOT NULL,
    hidden       boolean NOT NULL DEFAULT false
);

-- A team ranks, submits and is shown under one registration: its first member's (user_id).
-- A registration without a team row is a one-person team named after its user.
CREATE TABLE teams (
    contest_id       bigint NOT NULL,
    user_id          bigint NOT NULL,
    external_id      text,
    name             text NOT NULL,
    organization_id  bigint REFERENCES organizations (id),
    join_code        text UNIQUE,  -- how a second member joins
    PRIMARY KEY (contest_id, user_id),
    UNIQUE (contest_id, external_id),
    FOREIGN KEY (contest_id, user_id) REFERENCES registrations (contest_id, user_id)
        ON DELETE CASCADE
);

-- Every member of a team, its first one included; a user is in at most one team per contest.
CREATE TABLE team_members (
    contest_id  bigint NOT NULL,
    member_id   bigint NOT NULL REFERENCES users (id),
    team_user   bigint NOT NULL,
    PRIMARY KEY (contest_id, member_id),
    FOREIGN KEY (contest_id, team_user) REFERENCES teams (contest_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_team ON team_members (contest_id, team_user);

CREATE TABLE team_group_members (
    contest_id  bigint NOT NULL,
    team_user   bigint NOT NULL,
    group_id    bigint NOT NULL REFERENCES team_groups (id),
    PRIMARY KEY (contest_id, team_user, group_id),
    FOREIGN KEY (contest_id, team_user) REFERENCES registrations (contest_id, user_id)
        ON DELETE CASCADE
);

-- Who submitted for a team (the submission's user_id is the team's registration).
ALTER TABLE submissions ADD COLUMN author_id bigint REFERENCES users (id);
