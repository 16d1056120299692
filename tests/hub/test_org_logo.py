"""Organization logos over real HTTP: an admin's PNG or JPEG is stored, served with its checked
type, nosniff, an ETag (304) and listed in the Contest API as a FILE reference that validates
against the spec's schema; files that only pretend to be images, oversized ones and other
people's uploads are refused, and leave the logo as it was."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from ccs_support import validate
from hub.api_support import assert_error, unique
from hub_support import Hub, bearer, new_contest, new_user
from image_support import IMAGES, PNG_MAGIC, png

MAX_LOGO_BYTES = 256 * 1024
CCS_WAIT_S = 30.0


async def _organization(http: httpx.AsyncClient, admin: str) -> str:
    org = unique("org")
    made = await http.put(
        "/api/organise/organizations", json={"id": org, "name": "Uni"}, headers=bearer(admin)
    )
    assert made.status_code == 200, made.text
    return org


async def _upload(
    http: httpx.AsyncClient, org: str, token: str | None, data: Any, mime: str = "image/png"
) -> httpx.Response:
    headers = {"Content-Type": mime, **(bearer(token) if token else {})}
    return await http.put(f"/api/organise/organizations/{org}/logo", content=data, headers=headers)


async def test_an_admin_sets_a_logo_that_is_served_and_listed_in_the_contest_api(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    admin_id, admin_name, admin = await new_user(hubs[0], db, role="admin")
    _, member, _ = await new_user(hubs[0], db)
    contest_id = await new_contest(db, hub_problem[0])
    image = png(40, 20)
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        org = await _organization(http, admin)
        team = await http.post(
            f"/api/organise/contests/{contest_id}/teams",
            json={"name": unique("Team "), "members": [member], "organization": org},
            headers=bearer(admin),
        )
        assert team.status_code == 201, team.text
        # No logo yet: a 404, and the Contest API lists none.
        assert_error(await http.get(f"/api/organizations/{org}/logo"), 404, "not_found")
        saved = await _upload(http, org, admin, image)
        assert saved.status_code == 200, saved.text
        digest = hashlib.sha256(image).hexdigest()
        assert saved.json() == {
            "href": f"/api/organizations/{org}/logo",
            "mime": "image/png",
            "width": 40,
            "height": 20,
            "sha256": digest,
        }
        for path in (f"/api/organizations/{org}/logo", f"/api/v4/organizations/{org}/logo"):
            served = await http.get(path)
            assert served.status_code == 200, served.text
            assert served.content == image
            assert served.headers["content-type"] == "image/png"
            assert served.headers["x-content-type-options"] == "nosniff"
            assert "sandbox" in served.headers["content-security-policy"]
            assert served.headers["etag"] == f'"{digest}"'
            assert served.headers["cache-control"] == "public, max-age=60, must-revalidate"
            again = await http.get(path, headers={"If-None-Match": f'"{digest}"'})
            assert (again.status_code, again.content) == (304, b"")

        # The board's organization selector offers the logo with the organization.
        filters = (await http.get(f"/api/contests/{contest_id}/board-filters")).json()
        logo_url = f"/api/organizations/{org}/logo"
        assert {"id": org, "name": "Uni", "logo": logo_url} in filters["organizations"]

        # The Contest API's organization carries the logo as a FILE reference (the schema wants
        # href, mime, width and height), whose href, relative to the API root, is the file.
        ccs = await http.get(f"/api/v4/contests/{contest_id}/organizations", headers=bearer(admin))
        assert ccs.status_code == 200, ccs.text
        validate("organizations", ccs.json())
        [listed] = [o for o in ccs.json() if o["id"] == org]
        [ref] = listed["logo"]
        assert ref == {
            "href": f"organizations/{org}/logo",
            "filename": "logo.png",
            "mime": "image/png",
            "width": 40,
            "height": 20,
            "hash": digest,
        }
        single = await http.get(
            f"/api/v4/contests/{contest_id}/organizations/{org}", headers=bearer(admin)
        )
        validate("organization", single.json())
        assert (await http.get(f"/api/v4/{ref['href']}")).content == image

        # A JPEG replaces it: another type, size and ETag at the same address.
        jpeg = (IMAGES / "python.jpg").read_bytes()
        replaced = await _upload(http, org, admin, jpeg, "image/jpeg")
        assert replaced.status_code == 200, replaced.text
        served = await http.get(
            f"/api/organizations/{org}/logo", headers={"If-None-Match": f'"{digest}"'}
        )
        assert served.status_code == 200 and served.content == jpeg
        assert served.headers["content-type"] == "image/jpeg"
        # The Contest API reads its contest again within a second (its source cache).
        deadline = asyncio.get_running_loop().time() + CCS_WAIT_S
        while True:
            ccs = await http.get(
                f"/api/v4/contests/{contest_id}/organizations", headers=bearer(admin)
            )
            validate("organizations", ccs.json())
            [listed] = [o for o in ccs.json() if o["id"] == org]
            if listed["logo"][0]["mime"] == "image/jpeg":
                break
            assert asyncio.get_running_loop().time() < deadline, listed
            await asyncio.sleep(0.2)
        assert (listed["logo"][0]["width"], listed["logo"][0]["filename"]) == (16, "logo.jpg")
    audited = await db.fetch(
        "SELECT actor_id, details::text AS details FROM audit_log"
        " WHERE action = 'organization_logo' AND details->>'id' = $1",
        org,
    )
    assert [r["actor_id"] for r in audited] == [admin_id, admin_id]
    assert json.loads(audited[0]["details"])["sha256"] == digest
    assert admin_name


async def _chunks(data: bytes, size: int = 16 * 1024) -> AsyncIterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at : at + size]


async def test_files_that_only_look_like_images_are_refused(hubs: list[Hub], db: Any) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    good = png(8, 8)
    oversized = png(8, 8)[:-12] + b"\x00" * MAX_LOGO_BYTES  # past the cap before any check
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        org = await _organization(http, admin)
        first = await _upload(http, org, admin, good)
        assert first.status_code == 200, first.text
        cases = [
            ("svg named a png", svg, "image/png", 415, "unsupported_media_type"),
            ("svg as svg", svg, "image/svg+xml", 415, "unsupported_media_type"),
            (
                "gif",
                b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
                "image/png",
                415,
                "unsupported_media_type",
            ),
            ("png magic then garbage", PNG_MAGIC + b"<script>" * 64, "image/png", 400, "bad_image"),
            (
                "png then a script",
                good + b"<script>alert(1)</script>",
                "image/png",
                400,
                "bad_image",
            ),
            (
                "jpeg then a zip",
                (IMAGES / "python.jpg").read_bytes() + b"PK\x03\x04",
                "image/jpeg",
                400,
                "bad_image",
            ),
            ("empty", b"", "image/png", 400, "bad_request"),
            ("oversized", oversized, "image/png", 413, "too_large"),
        ]
        for name, data, mime, status, error in cases:
            answer = await _upload(http, org, admin, data, mime)
            assert answer.status_code == status, (name, answer.text)
            assert answer.json()["error"] == error, (name, answer.text)
        # Streamed without a Content-Length: cut off at the cap all the same.
        streamed = await _upload(http, org, admin, _chunks(oversized))
        assert_error(streamed, 413, "too_large")
        # The logo is still the first one.
        served = await http.get(f"/api/organizations/{org}/logo")
        assert served.content == good and served.headers["content-type"] == "image/png"


async def test_only_admins_set_logos_and_only_of_organizations_that_exist(
    hubs: list[Hub], db: Any
) -> None:
    _, _, admin = await new_user(hubs[0], db, role="admin")
    _, _, moderator = await new_user(hubs[0], db, role="moderator")
    _, _, contestant = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        org = await _organization(http, admin)
        for token in (moderator, contestant):
            assert_error(await _upload(http, org, token, png(8, 8)), 403, "forbidden")
        assert_error(await _upload(http, org, None, png(8, 8)), 401, "unauthenticated")
        assert_error(await _upload(http, unique("nosuch"), admin, png(8, 8)), 404, "not_found")
        assert_error(await http.get(f"/api/organizations/{org}/logo"), 404, "not_found")
    assert (
        await db.fetchval("SELECT logo_sha256 FROM organizations WHERE external_id = $1", org)
        is None
    )
