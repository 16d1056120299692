"""An account without a password (imported from accounts.yaml without one) logs in nowhere:
not on the hub's login, not with the Contest API's basic auth, whatever password is tried (the
empty one included); once a password is set it logs in."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from hub.api_support import assert_error
from hub_support import PASSWORD, Hub, new_contest, new_user


def _basic(username: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def test_an_account_without_a_password_cannot_log_in(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    user_id, name, _ = await new_user(hubs[0], db)
    await db.execute("UPDATE users SET password_hash = NULL WHERE id = $1", user_id)
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        for password in (PASSWORD, "", "None", "null"):
            answer = await http.post(
                "/api/auth/login", json={"username": name, "password": password}
            )
            assert_error(answer, 401, "bad_credentials")
            answer = await http.get(
                f"/api/v4/contests/{contest_id}/access", headers=_basic(name, password)
            )
            assert answer.status_code == 401, answer.text
        # Set (as `arena user add --reset-password` does): it logs in.
        await db.execute(
            "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = $2)"
            " WHERE id = $1",
            user_id,
            (await new_user(hubs[0], db))[0],
        )
        answer = await http.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
