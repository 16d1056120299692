"""Cross-site writes: what another site's page can make a logged-in browser send."""

from __future__ import annotations

from typing import Any

import httpx
from hub.api_support import assert_error
from hub_support import PASSWORD, Hub, new_user


async def test_login_csrf_from_a_text_plain_form_is_refused(hubs: list[Hub], db: Any) -> None:
    _, name, _ = await new_user(hubs[0], db)
    body = f'{{"username": "{name}", "password": "{PASSWORD}"}}'
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        # What <form enctype="text/plain"> sends: no preflight, a JSON-looking body.
        plain = await client.post(
            "/api/auth/login", content=body, headers={"content-type": "text/plain"}
        )
        assert_error(plain, 415, "unsupported_media_type")
        assert "set-cookie" not in plain.headers
        form = await client.post("/api/auth/login", data={body: ""})
        assert_error(form, 415, "unsupported_media_type")
        # A JSON body from another site's script (fetch with no-cors cannot even set it).
        for foreign in (
            {"origin": "https://evil.example"},
            {"origin": "null"},
            {"sec-fetch-site": "cross-site"},
        ):
            refused = await client.post(
                "/api/auth/login",
                content=body,
                headers={"content-type": "application/json", **foreign},
            )
            assert_error(refused, 403, "cross_site")
        # Our own page, and a client outside a browser, log in.
        host = httpx.URL(hubs[0].url).netloc.decode()
        own = await client.post(
            "/api/auth/login",
            content=body,
            headers={"content-type": "application/json", "origin": f"http://{host}"},
        )
        assert own.status_code == 200, own.text
        assert (
            await client.post(
                "/api/auth/login", content=body, headers={"content-type": "application/json"}
            )
        ).status_code == 200


async def test_cookie_authenticated_writes_need_our_origin(hubs: list[Hub], db: Any) -> None:
    _, _, token = await new_user(hubs[0], db)
    cookies = {"arena_session": token}
    async with httpx.AsyncClient(base_url=hubs[0].url, cookies=cookies) as client:
        assert (await client.get("/api/me")).status_code == 200  # reads are not affected
        foreign = await client.post("/api/auth/logout", headers={"origin": "https://evil.example"})
        assert_error(foreign, 403, "cross_site")
        multipart = await client.post(
            "/api/contests/1/users/1/submit",
            files={"file": ("a.py", b"print(1)\n")},
            headers={"origin": "https://evil.example"},
        )
        assert_error(multipart, 403, "cross_site")
        assert (await client.get("/api/me")).status_code == 200  # still logged in
    # A bearer token is never sent by a browser on its own: any origin may use one.
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        elsewhere = await client.post(
            "/api/auth/logout",
            headers={"authorization": f"Bearer {token}", "origin": "https://tool.example"},
        )
        assert elsewhere.status_code == 204, elsewhere.text
