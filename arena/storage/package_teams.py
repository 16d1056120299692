"""Reading the Contest Package's ``organizations.json``, ``groups.json``, ``teams.json`` (lists
of Contest API objects) and ``accounts.yaml`` (a list of accounts, passwords in clear).

Everything is checked before anything is written: malformed files, duplicate ids, names and
usernames, and references (a team's account naming a team that is not in ``teams.json``). A
mistake names the file, the line of the item and its JSON path, like
``accounts.yaml: line 12, $[3].team_id: no team '42' in teams.json``. References to
organizations and groups may also name ones already in the database (they are shared by
contests): those are checked when the package is written (``arena.storage.team_import``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Generic, TypeVar

import msgspec

from arena.storage.errors import ImportFailure
from arena.storage.package_files import load_items

ORGANIZATIONS, GROUPS, TEAMS, ACCOUNTS = (
    "organizations.json",
    "groups.json",
    "teams.json",
    "accounts.yaml",
)
# Contest API account types, and the site role each gives in Arena: a judge moderates only the
# imported contest (a contest_moderators row), so its site role is contestant.
ROLES = {"team": "contestant", "judge": "contestant", "admin": "admin"}
# As the users table's CHECK, and the registration's password rule.
_USERNAME = re.compile(r"[A-Za-z0-9_.-]{2,32}")
_PASSWORD_CHARS = (8, 256)


class Organization(msgspec.Struct, frozen=True):
    id: str
    name: str
    formal_name: str | None = None
    country: str | None = None


class Group(msgspec.Struct, frozen=True):
    id: str
    name: str
    hidden: bool | None = None  # not the Contest API's; DOMjudge's packages have it


class Team(msgspec.Struct, frozen=True):
    id: str
    name: str
    display_name: str | None = None
    organization_id: str | None = None
    group_ids: list[str] | None = None


class Account(msgspec.Struct, frozen=True):
    username: str
    type: str | None = None
    id: str | None = None
    password: str | None = None
    name: str | None = None
    team_id: str | None = None


T = TypeVar("T")


class Items(msgspec.Struct, Generic[T], frozen=True):
    """One file's objects, with the line each starts on."""

    file: str
    items: list[T]
    lines: list[int]

    def where(self, index: int, key: str | None = None) -> str:
        line = f"line {self.lines[index]}, " if index < len(self.lines) else ""
        return f"{line}$[{index}]" + (f".{key}" if key else "")

    def fail(self, index: int, key: str | None, message: str) -> ImportFailure:
        return ImportFailure(self.file, self.where(index, key), message)


class TeamPackage(msgspec.Struct, frozen=True):
    organizations: Items[Organization]
    groups: Items[Group]
    teams: Items[Team]
    accounts: Items[Account]

    def members(self, team: Team) -> list[int]:
        """Indexes of the team's accounts, the one the team ranks as first: the account whose
        id is the team's (as ``arena contest export`` writes a team), else the first listed."""
        found = [
            i
            for i, a in enumerate(self.accounts.items)
            if a.type == "team" and a.team_id == team.id
        ]
        found.sort(key=lambda i: self.accounts.items[i].id != team.id)
        return found


def _as_text(item: object, keys: tuple[str, ...]) -> object:
    # YAML reads an unquoted `id: 42` as a number; the Contest API's ids are strings.
    if isinstance(item, dict):
        return {
            k: str(v) if k in keys and isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in item.items()
        }
    return item


def _read(root: Path, rel: str, name: str, kind: type[T], what: str) -> Items[T]:
    path = root / name
    file = rel + name
    if not path.is_file():
        return Items(file, [], [])
    data, lines = load_items(path, file)
    if data is None:
        return Items(file, [], [])
    if not isinstance(data, list):
        raise ImportFailure(file, None, f"expected a list of {what}")
    if name.endswith(".yaml"):
        data = [
            _as_text(item, ("id", "team_id", "person_id", "username", "password")) for item in data
        ]
    items: list[T] = []
    for index, item in enumerate(data):
        at = Items(file, items, lines)
        if not isinstance(item, dict):
            raise at.fail(index, None, f"expected an object, got {type(item).__name__}")
        try:
            items.append(msgspec.convert(item, kind))
        except msgspec.ValidationError as exc:
            message, _, path_in = str(exc).partition(" - at `$")
            key = path_in.rstrip("`").lstrip(".") or None
            raise at.fail(index, key, message) from None
    return Items(file, items, lines)


def _unique(items: Items[T], key: str, values: list[str], what: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        folded = value.strip().lower() if what != "id" else value
        if folded in seen:
            other = items.where(seen[folded])
            raise items.fail(index, key, f"{what} {value!r} is also used at {other}")
        seen[folded] = index


def _text(items: Items[T], index: int, key: str, value: str | None, limit: int = 200) -> None:
    if value is not None and not 1 <= len(value.strip()) <= limit:
        raise items.fail(index, key, f"expected 1 to {limit} characters")
    if value is not None and "\x00" in value:
        raise items.fail(index, key, "contains a NUL character")


def _check_accounts(pkg: TeamPackage) -> None:
    accounts, team_ids = pkg.accounts, {t.id for t in pkg.teams.items}
    _unique(accounts, "username", [a.username for a in accounts.items], "username")
    _unique(accounts, "id", [a.id for a in accounts.items if a.id is not None], "id")
    for index, account in enumerate(accounts.items):
        if not _USERNAME.fullmatch(account.username):
            message = "a username is 2-32 letters, digits, '_', '.' or '-'"
            raise accounts.fail(index, "username", f"{account.username!r}: {message}")
        if account.type not in ROLES:
            raise accounts.fail(
                index,
                "type",
                f"{account.type!r}: Arena takes accounts of type {', '.join(ROLES)}",
            )
        low, high = _PASSWORD_CHARS
        if account.password is not None and not low <= len(account.password) <= high:
            raise accounts.fail(index, "password", f"a password has {low} to {high} characters")
        if account.type == "team" and account.team_id is None:
            raise accounts.fail(index, "team_id", "missing: a team account names its team")
        if account.type == "team" and account.team_id not in team_ids:
            raise accounts.fail(index, "team_id", f"no team {account.team_id!r} in {TEAMS}")


def _check(pkg: TeamPackage) -> None:
    orgs, groups, teams = pkg.organizations, pkg.groups, pkg.teams
    _unique(orgs, "id", [o.id for o in orgs.items], "id")
    _unique(groups, "id", [g.id for g in groups.items], "id")
    _unique(teams, "id", [t.id for t in teams.items], "id")
    _unique(teams, "name", [t.name for t in teams.items], "name")
    for index, org in enumerate(orgs.items):
        _text(orgs, index, "name", org.name)
    for index, group in enumerate(groups.items):
        _text(groups, index, "name", group.name)
    _check_accounts(pkg)  # first: an account naming a missing team is the clearer message
    for index, team in enumerate(teams.items):
        _text(teams, index, "name", team.name, 100)
        if len(set(team.group_ids or [])) != len(team.group_ids or []):
            raise teams.fail(index, "group_ids", "names a group twice")
        if not pkg.members(team):
            raise teams.fail(
                index,
                None,
                f"no account of type team in {pkg.accounts.file} has team_id {team.id!r};"
                " Arena needs a member for every team",
            )


def read_team_package(root: Path, rel: str) -> TeamPackage | None:
    """The package's team files (in ``root``, shown as ``rel``), checked; None when it has none."""
    if not any((root / name).is_file() for name in (ORGANIZATIONS, GROUPS, TEAMS, ACCOUNTS)):
        return None
    pkg = TeamPackage(
        organizations=_read(root, rel, ORGANIZATIONS, Organization, "organizations"),
        groups=_read(root, rel, GROUPS, Group, "groups"),
        teams=_read(root, rel, TEAMS, Team, "teams"),
        accounts=_read(root, rel, ACCOUNTS, Account, "accounts"),
    )
    _check(pkg)
    return pkg
