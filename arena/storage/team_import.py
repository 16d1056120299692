"""Writing a checked Contest Package's organizations, groups, accounts and teams into a contest,
inside the contest import's transaction: a mistake found here (a team naming an organization
that exists nowhere) rolls back the whole import.

Organizations and groups are upserted by id (they are shared by contests). Accounts are users,
found by username or created; a password in ``accounts.yaml`` arrives here already checked
against the stored hash (``arena.storage.import_passwords``, the hub's argon2 settings) and an
account without one gets none: it cannot log in until one is set (``arena user add
--reset-password``). A role only ever goes up; a judge account moderates this contest only
(``contest_moderators``), its site role stays contestant; an admin account is refused unless
``grant_admin``. An existing account whose password or role would change, or a moderator or an
admin that would join a team, is refused unless ``update_accounts``: an import cannot take over
the site's accounts. Only a password that really changed or a raised role ends the account's
sessions. Teams are found by id (their external id in the contest), else made with the team
account the team ranks as; their other accounts join them.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import msgspec

from arena.storage import teams as team_store
from arena.storage.errors import ImportFailure
from arena.storage.import_passwords import Hasher, Password, hash_to_store
from arena.storage.package_teams import ROLES, TeamPackage
from arena.storage.teams import TeamError

_RANK = {"contestant": 0, "moderator": 1, "admin": 2}


class TeamsImported(msgspec.Struct, frozen=True):
    organizations: int
    groups: int
    teams: int
    accounts_created: int
    accounts_updated: int
    # The sessions a changed password or role ended, and the accounts whose role changed: the
    # caller tells the hubs (their session cache and open sockets).
    ended_sessions: list[bytes] = []
    changed_users: list[int] = []
    # Every team member and team registration written: hubs drop what they cached of them.
    participants: list[int] = []
    # The teams' registrations (the rows of the board): their rows are sent again.
    registrations: list[int] = []


class _Tally:
    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.ended: list[bytes] = []
        self.changed: list[int] = []


async def _catalogue(conn: asyncpg.Connection, pkg: TeamPackage) -> None:
    orgs, groups = pkg.organizations, pkg.groups
    for index, org in enumerate(orgs.items):
        try:
            await team_store.save_organization(
                conn, org.id, org.name, formal_name=org.formal_name, country=org.country
            )
        except TeamError as exc:
            raise orgs.fail(index, None, str(exc)) from None
    for index, group in enumerate(groups.items):
        hidden = group.hidden
        if hidden is None:  # left out: a group that exists keeps what it had
            hidden = bool(
                await conn.fetchval(
                    "SELECT hidden FROM team_groups WHERE external_id = $1", group.id
                )
            )
        try:
            await team_store.save_group(conn, group.id, group.name, hidden=hidden)
        except TeamError as exc:
            raise groups.fail(index, None, str(exc)) from None


class AccountsPolicy(msgspec.Struct, frozen=True):
    """What the person importing allowed: an import must not take over the site's accounts.
    ``grant_admin``: ``admin`` accounts of the package become site admins (else refused).
    ``update_accounts``: existing accounts may have their password or role changed, and
    moderators or admins may join teams (else refused)."""

    grant_admin: bool = False
    update_accounts: bool = False


NO_TAKEOVER = AccountsPolicy()
GRANT_ADMIN_FLAG = "--grant-admin"
UPDATE_ACCOUNTS_FLAG = "--update-accounts"


def check_grants(pkg: TeamPackage, policy: AccountsPolicy) -> None:
    """Refuses ``admin`` accounts unless allowed (before anything is hashed or written)."""
    if policy.grant_admin:
        return
    for index, account in enumerate(pkg.accounts.items):
        if account.type == "admin":
            raise pkg.accounts.fail(
                index,
                "type",
                f"{account.username!r} is an admin account: it would administer the whole site;"
                f" import with {GRANT_ADMIN_FLAG} to allow it",
            )


def _refusal(
    pkg: TeamPackage, index: int, current_role: str, hashed: str | None, raised: str | None
) -> ImportFailure | None:
    account = pkg.accounts.items[index]
    reasons = []
    if hashed is not None:
        reasons.append("has another password")
    if raised is not None:
        reasons.append(f"would become {raised}")
    if _RANK.get(current_role, 0) > 0 and account.type == "team":
        article = "an" if current_role == "admin" else "a"
        reasons.append(f"is {article} {current_role} (it would join a team)")
    if not reasons:
        return None
    return pkg.accounts.fail(
        index,
        "username",
        f"{account.username!r} is an existing account that {' and '.join(reasons)}: the import"
        f" changes existing accounts only with {UPDATE_ACCOUNTS_FLAG}",
    )


async def _accounts(
    conn: asyncpg.Connection,
    contest_id: int,
    pkg: TeamPackage,
    passwords: PasswordSource,
    tally: _Tally,
) -> dict[str, int]:
    """Lower-cased username -> user id, for every account of the file."""
    ids: dict[str, int] = {}
    for index, account in enumerate(pkg.accounts.items):
        # A judge moderates this contest only (contest_moderators), never the whole site.
        role = ROLES[account.type or "team"]
        entry = passwords.plan.get(account.username.lower())
        row = await conn.fetchrow(
            "SELECT id, role::text AS role, password_hash FROM users"
            " WHERE lower(username) = lower($1) FOR UPDATE",
            account.username,
        )
        if row is None:
            hashed = None if entry is None else await hash_to_store(passwords.hasher, entry, None)
            user_id = await conn.fetchval(
                "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3)"
                " RETURNING id",
                account.username,
                hashed,
                role,
            )
            tally.created += 1
        else:
            user_id = row["id"]
            current = row["password_hash"]
            hashed = (
                None if entry is None else await hash_to_store(passwords.hasher, entry, current)
            )
            raised = role if _RANK[role] > _RANK.get(row["role"], 0) else None
            if not passwords.policy.update_accounts:
                refused = _refusal(pkg, index, row["role"], hashed, raised)
                if refused is not None:
                    raise refused
            if hashed is not None or raised is not None:
                await conn.execute(
                    "UPDATE users SET password_hash = coalesce($2, password_hash),"
                    " role = coalesce($3::user_role, role) WHERE id = $1",
                    user_id,
                    hashed,
                    raised,
                )
                ended = await conn.fetch(
                    "DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash", user_id
                )
                tally.ended.extend(bytes(r["token_hash"]) for r in ended)
                tally.changed.append(user_id)
            tally.updated += 1
        if account.type == "judge":
            await conn.execute(
                "INSERT INTO contest_moderators (contest_id, user_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING",
                contest_id,
                user_id,
            )
        ids[account.username.lower()] = user_id
    return ids


async def _references(
    conn: asyncpg.Connection, pkg: TeamPackage, index: int
) -> tuple[int | None, list[int]]:
    teams, team = pkg.teams, pkg.teams.items[index]
    try:
        return await team_store.resolve_catalogue(conn, team.organization_id, team.group_ids or [])
    except TeamError as exc:
        organization = str(exc).startswith("no organization")
        key = "organization_id" if organization else "group_ids"
        where = pkg.organizations.file if organization else pkg.groups.file
        raise teams.fail(index, key, f"{exc} (not in {where}, nor in the database)") from None


async def _teams(
    conn: asyncpg.Connection, contest_id: int, pkg: TeamPackage, user_ids: dict[str, int]
) -> tuple[list[int], list[int]]:
    """Makes or updates the teams; returns every member and team registration written, and
    the registrations."""
    written: set[int] = set()
    registrations: set[int] = set()
    teams, accounts = pkg.teams, pkg.accounts
    largest = max((len(pkg.members(t)) for t in teams.items), default=0)
    # The package says who is in a team: the contest's team size grows to hold its teams.
    await conn.execute(
        "UPDATE contests SET max_team_size = greatest(max_team_size, $2) WHERE id = $1",
        contest_id,
        largest,
    )
    for index, team in enumerate(teams.items):
        organization_id, group_ids = await _references(conn, pkg, index)
        members = [user_ids[accounts.items[i].username.lower()] for i in pkg.members(team)]
        written.update(members)
        leader = await conn.fetchval(
            "SELECT user_id FROM teams WHERE contest_id = $1 AND external_id = $2",
            contest_id,
            team.id,
        )
        try:
            await team_store.create_team(
                conn,
                contest_id,
                leader or members[0],
                team.name,
                organization_id=organization_id,
                group_ids=group_ids,
                external_id=team.id,
            )
        except TeamError as exc:
            raise teams.fail(index, None, str(exc)) from None
        for account_index, member in zip(pkg.members(team), members, strict=True):
            try:
                await team_store.add_member(conn, contest_id, leader or members[0], member)
            except TeamError as exc:
                raise accounts.fail(account_index, "team_id", str(exc)) from None
        written.add(leader or members[0])
        registrations.add(leader or members[0])
    return sorted(written), sorted(registrations)


@dataclass(frozen=True)
class PasswordSource:
    """The package's passwords checked against the stored hashes (``plan_passwords``), the
    hasher for one that changed meanwhile, and what the import may do to existing accounts."""

    plan: dict[str, Password]
    hasher: Hasher | None
    policy: AccountsPolicy


async def write_team_package(
    conn: asyncpg.Connection, contest_id: int, pkg: TeamPackage, passwords: PasswordSource
) -> TeamsImported:
    """Call inside the import's transaction (a refusal rolls the whole import back)."""
    await _catalogue(conn, pkg)
    tally = _Tally()
    user_ids = await _accounts(conn, contest_id, pkg, passwords, tally)
    participants, registrations = await _teams(conn, contest_id, pkg, user_ids)
    return TeamsImported(
        organizations=len(pkg.organizations.items),
        groups=len(pkg.groups.items),
        teams=len(pkg.teams.items),
        accounts_created=tally.created,
        accounts_updated=tally.updated,
        ended_sessions=tally.ended,
        changed_users=tally.changed,
        participants=participants,
        registrations=registrations,
    )
