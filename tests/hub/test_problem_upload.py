"""Problem package upload: an admin uploads a zip, a real worker stages it as a new version
(the live one stays until publish) and checks it (input validators, the package's submissions
against their folders), publishing makes it live (a failed check only with confirm=true); the
importer's guards hold through the upload route (zip bomb, path traversal, symlink), and only
admins may upload."""

from __future__ import annotations

import asyncio
import io
import json
import stat
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import websockets
from hub.api_support import assert_error
from hub_support import Hub, bearer, new_user

POLL_TIMEOUT_S = 300.0
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "problems" / "aplusb"


def _package_zip(title: str = "A plus B", extra: dict[str, bytes] | None = None) -> bytes:
    """The example A+B as a zip (its files under one folder, like a packaged directory), with
    its Python submissions only: the check judges each, and Java's start is slow in gVisor."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(EXAMPLE.rglob("*")):
            if path.is_file() and (path.suffix == ".py" or "submissions" not in path.parts):
                name = f"aplusb/{path.relative_to(EXAMPLE).as_posix()}"
                data = path.read_bytes()
                if name == "aplusb/problem.yaml":
                    data = data.replace(b"name: A plus B", f"name: {title}".encode())
                archive.writestr(name, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _slug() -> str:
    return f"up-{uuid.uuid4().hex[:10]}"


async def _upload(
    client: httpx.AsyncClient, slug: str, body: bytes, **metadata: str
) -> httpx.Response:
    return await client.post(
        "/api/admin/problems/upload",
        params={"slug": slug, **metadata},
        content=body,
        headers={"Content-Type": "application/zip"},
    )


async def _settled(client: httpx.AsyncClient, upload_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_TIMEOUT_S
    while True:
        answer = await client.get(f"/api/admin/problems/uploads/{upload_id}")
        assert answer.status_code == 200, answer.text
        upload = answer.json()
        if upload["status"] in ("ready", "failed"):
            return dict(upload)
        assert time.monotonic() < deadline, upload
        await asyncio.sleep(0.3)


async def test_an_upload_is_staged_and_goes_live_only_when_published(
    hubs: list[Hub], db: Any, hub_worker: Any
) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    slug = _slug()
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as client:
        started = await _upload(client, slug, _package_zip())
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "queued"
        first = await _settled(client, started.json()["id"])
        assert first["status"] == "ready", first["error"]
        assert first["test_count"] == 10 and first["error"] is None
        # The package's own submissions (AC, WA, TLE) got what their folders promise.
        assert first["check"] == {
            "state": "passed",
            "submissions": 3,
            "mismatched": 0,
            "inputs": 0,
            "rejected": 0,
        }
        # Staged: a new problem is in no bank until published.
        assert (await client.get(f"/api/problems/{slug}")).status_code == 404
        published = await client.post(f"/api/admin/problems/uploads/{first['id']}/publish")
        assert published.status_code == 200, published.text
        assert published.json()["status"] == "published"
        live = await client.get(f"/api/problems/{slug}")
        assert live.status_code == 200 and live.json()["title"] == "A plus B"
        again = await client.post(f"/api/admin/problems/uploads/{first['id']}/publish")
        assert_error(again, 409, "conflict")

        # A second package for the same problem: the first stays live until this one is
        # published.
        changed = _package_zip("A plus B, revised", {"aplusb/data/secret/99.in": b"1 1\n"})
        second_started = await _upload(
            client, slug, _with_answer(changed), difficulty="hard", tags="math, sums"
        )
        second = await _settled(client, second_started.json()["id"])
        assert second["status"] == "ready", second
        assert second["version"] == first["version"] + 1 and second["test_count"] == 11
        shown = (await client.get(f"/api/problems/{slug}")).json()
        assert (shown["title"], shown["difficulty"], shown["tags"]) == ("A plus B", "medium", [])
        version = await db.fetchval("SELECT current_version FROM problems WHERE slug = $1", slug)
        assert version == first["version"]
        await client.post(f"/api/admin/problems/uploads/{second['id']}/publish")
        shown = (await client.get(f"/api/problems/{slug}")).json()
        assert (shown["title"], shown["difficulty"]) == ("A plus B, revised", "hard")
        assert shown["tags"] == ["math", "sums"]
        version = await db.fetchval("SELECT current_version FROM problems WHERE slug = $1", slug)
        assert version == second["version"]


def _with_answer(body: bytes) -> bytes:
    """Adds the answer of the extra test (a zip cannot be appended to in place here)."""
    source = zipfile.ZipFile(io.BytesIO(body))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("aplusb/data/secret/99.ans", b"2\n")
    return buffer.getvalue()


def _zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb() -> bytes:
    """A few hundred KiB that unpack to 80 MiB: past the test hubs' 64 MiB."""
    chunk = b"\0" * (1 << 20)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("aplusb/data/secret/big.in", "w") as out,
    ):
        for _ in range(80):
            out.write(chunk)
    return buffer.getvalue()


def _symlink() -> bytes:
    link = zipfile.ZipInfo("aplusb/data/secret/01.in")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    package = zipfile.ZipFile(io.BytesIO(_package_zip()))
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [
        (info.filename, package.read(info))
        for info in package.infolist()
        if info.filename != "aplusb/data/secret/01.in"
    ]
    return _zip_with([*entries, (link, b"/etc/passwd")])


async def test_hostile_packages_fail_with_the_reason_and_publish_nothing(
    hubs: list[Hub], db: Any, hub_worker: Any
) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    traversal = _zip_with([("aplusb/problem.yaml", b"name: x\n"), ("../../evil.in", b"1\n")])
    cases = {
        "bomb": (_bomb(), "unpacks to more than 64 MiB"),
        "traversal": (traversal, "goes up with '..'"),
        "symlink": (_symlink(), "a symbolic link"),
    }
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as client:
        for case, (body, reason) in cases.items():
            assert len(body) < 4 << 20, case
            slug = _slug()
            started = await _upload(client, slug, body)
            assert started.status_code == 202, (case, started.text)
            upload = await _settled(client, started.json()["id"])
            assert upload["status"] == "failed", (case, upload)
            assert reason in upload["error"], (case, upload)
            refused = await client.post(f"/api/admin/problems/uploads/{upload['id']}/publish")
            assert_error(refused, 409, "conflict")
            assert (await client.get(f"/api/problems/{slug}")).status_code == 404
            assert await db.fetchval("SELECT count(*) FROM problems WHERE slug = $1", slug) == 0
        assert not (Path("/") / "evil.in").exists()


async def test_uploads_are_for_admins_and_bodies_are_bounded(hubs: list[Hub], db: Any) -> None:
    _, _, moderator = await new_user(hubs[0], db, role="moderator")
    _, _, contestant = await new_user(hubs[0], db)
    _, _, admin = await new_user(hubs[0], db, role="admin")
    body = _package_zip()
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        assert_error(await _upload(client, _slug(), body), 401, "unauthenticated")
        for token in (moderator, contestant):
            client.headers.update(bearer(token))
            refused = await _upload(client, _slug(), body)
            assert_error(refused, 403, "forbidden")
            assert_error(await client.get("/api/admin/problems/uploads"), 403, "forbidden")
        client.headers.update(bearer(admin))
        too_big = await _upload(client, _slug(), b"PK\x03\x04" + b"\0" * (5 << 20))
        assert "larger than 4 MiB" in assert_error(too_big, 413, "too_large")["message"]

        async def chunks() -> Any:
            for _ in range(5):
                yield b"\0" * (1 << 20)

        streamed = await client.post(
            "/api/admin/problems/upload", params={"slug": _slug()}, content=chunks()
        )
        assert_error(streamed, 413, "too_large")  # no Content-Length: counted as it streams
        assert_error(await _upload(client, _slug(), b"not a zip"), 400, "bad_request")
        assert_error(await _upload(client, _slug(), b""), 400, "bad_request")
        assert_error(await _upload(client, "Bad Slug!", body), 400, "bad_request")
        wrong = await _upload(client, _slug(), body, difficulty="brutal")
        assert "difficulty is one of" in assert_error(wrong, 400, "bad_request")["message"]
        long_tag = await _upload(client, _slug(), body, tags="x" * 65)
        assert_error(long_tag, 400, "bad_request")
    # Nothing refused was recorded: the only uploads are none of this test's.
    assert await db.fetchval("SELECT count(*) FROM problem_uploads WHERE slug = 'bad slug!'") == 0


async def test_an_admins_socket_is_told_each_status_of_an_upload(
    hubs: list[Hub], db: Any, hub_worker: Any
) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    slug = _slug()
    # The socket on the other hub: the worker's and the first hub's frames go through Redis.
    async with (
        websockets.connect(
            f"{hubs[1].ws_url}/ws/admin", additional_headers=bearer(admin), compression=None
        ) as socket,
        httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as client,
    ):
        started = await _upload(client, slug, _package_zip())
        assert started.status_code == 202, started.text
        upload_id = started.json()["id"]
        seen: list[str] = []
        while "ready" not in seen and "failed" not in seen:
            frame = json.loads(await asyncio.wait_for(socket.recv(), POLL_TIMEOUT_S))
            if frame.get("type") == "problem_upload" and frame["upload"]["id"] == upload_id:
                seen.append(frame["upload"]["status"])
            elif frame.get("type") == "problem_upload_check" and frame["upload_id"] == upload_id:
                row = frame["submission"]
                seen.append(f"{row['folder']}/{row['file']}:{row['outcome']}")
        # Each judged submission on the socket as it is judged, before the upload is ready.
        assert seen == [
            "queued",
            "checking",
            "accepted/sum.py:ok",
            "time_limit_exceeded/spin.py:ok",
            "wrong_answer/diff.py:ok",
            "ready",
        ], seen
        await client.post(f"/api/admin/problems/uploads/{upload_id}/publish")
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), POLL_TIMEOUT_S))
            if frame.get("type") == "problem_upload" and frame["upload"]["id"] == upload_id:
                assert frame["upload"]["status"] == "published", frame
                break


# Valid input: two integers of absolute value at most 10^6 (so 5870000 in secret/01 is not).
RANGE_VALIDATOR = b"""\
import sys
numbers = sys.stdin.read().split()
if len(numbers) != 2 or any(abs(int(n)) > 10**6 for n in numbers):
    print(f"out of range: {' '.join(numbers)}")
    sys.exit(43)
sys.exit(42)
"""
# Promised accepted, but it subtracts.
WRONG_ACCEPTED = b"a, b = map(int, input().split())\nprint(a - b)\n"


async def test_the_check_shows_a_wrong_accepted_solution_and_a_rejected_input(
    hubs: list[Hub], db: Any, hub_worker: Any
) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    slug = _slug()
    extra = {
        "aplusb/submissions/accepted/subtract.py": WRONG_ACCEPTED,
        "aplusb/input_validators/range.py": RANGE_VALIDATOR,
    }
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as client:
        started = await _upload(client, slug, _package_zip(extra=extra))
        assert started.status_code == 202, started.text
        upload = await _settled(client, started.json()["id"])
        assert upload["status"] == "ready", upload
        assert upload["check"]["state"] == "failed", upload
        assert (upload["check"]["mismatched"], upload["check"]["rejected"]) == (1, 7)
        check = (await client.get(f"/api/admin/problems/uploads/{upload['id']}/check")).json()
        rows = {f"{r['folder']}/{r['file']}": r for r in check["submissions"]}
        assert rows["accepted/subtract.py"]["outcome"] == "mismatch"
        assert rows["accepted/subtract.py"]["expected"] == "AC"
        assert rows["accepted/subtract.py"]["verdict"] == "WA"
        assert rows["accepted/sum.py"]["outcome"] == "ok"
        assert rows["wrong_answer/diff.py"]["verdict"] == "WA"
        assert rows["wrong_answer/diff.py"]["outcome"] == "ok"
        # One row per test input: the sample, secret/03 and secret/09 are in range.
        inputs = {r["test"]: r for r in check["inputs"]}
        assert len(inputs) == 10 and {r["validator"] for r in check["inputs"]} == {"range.py"}
        assert inputs["sample/1"]["outcome"] == "ok"
        assert inputs["secret/01"]["outcome"] == "rejected"
        assert "out of range: 5870000 16753" in inputs["secret/01"]["note"]

        # Not published by a plain click: the API says why and what to do.
        publish = f"/api/admin/problems/uploads/{upload['id']}/publish"
        refused = assert_error(await client.post(publish), 409, "check_failed")
        assert "accepted/subtract.py" in refused["message"]
        assert "7 test input(s) rejected" in refused["message"]
        assert "confirm=true" in refused["message"]
        assert_error(await client.post(publish, params={"confirm": "yes"}), 400, "bad_request")
        assert (await client.get(f"/api/problems/{slug}")).status_code == 404
        published = await client.post(publish, params={"confirm": "true"})
        assert published.status_code == 200, published.text
        assert (await client.get(f"/api/problems/{slug}")).status_code == 200
    audited = await db.fetchval(
        "SELECT details::text FROM audit_log WHERE action = 'problem_published_unchecked'"
        " AND details->>'slug' = $1",
        slug,
    )
    assert audited is not None and "accepted/subtract.py" in audited
