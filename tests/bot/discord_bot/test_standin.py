"""The stand-in enforces Discord's rules, so that the end-to-end tests passing means something."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from .standin.server import DiscordStandIn


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def callback(http: aiohttp.ClientSession, standin: DiscordStandIn, record: Any, body: dict[str, Any]) -> Any:
    url = f"{standin.api_url}/interactions/{record.id}/{record.token}/callback?with_response=1"
    async with http.post(url, json=body) as response:
        return response.status, response.headers.get("Content-Type"), await response.json()


async def test_late_callback_is_unknown_interaction(standin: DiscordStandIn, http: aiohttp.ClientSession) -> None:
    """A first response after the deadline gets 404 / 10062, as Discord answers after 3 seconds."""
    standin.deadline_s = 0.05
    record = await standin.interact("help")
    await asyncio.sleep(0.1)
    status, _type, body = await callback(http, standin, record, {"type": 4, "data": {"content": "hi"}})
    assert (status, body["code"]) == (404, 10062)
    assert record.initial is None


async def test_second_initial_response_is_refused(standin: DiscordStandIn, http: aiohttp.ClientSession) -> None:
    """An interaction is acknowledged once (400 / 40060)."""
    record = await standin.interact("help")
    assert (await callback(http, standin, record, {"type": 5}))[0] == 200
    status, _type, body = await callback(http, standin, record, {"type": 4, "data": {"content": "x"}})
    assert (status, body["code"]) == (400, 40060)


@pytest.mark.parametrize(
    "data",
    [
        {"content": "x" * 2001},
        {"embeds": [{"title": "t", "description": "d" * 4097}]},
        {"embeds": [{"title": "t", "fields": [{"name": "n", "value": "v" * 1025}]}]},
        {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
        {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
        {"content": ""},
    ],
    ids=["content-2001", "description-4097", "field-value-1025", "total-6001", "26-fields", "empty"],
)
async def test_oversize_messages_are_invalid_form_body(
    standin: DiscordStandIn, http: aiohttp.ClientSession, data: dict[str, Any]
) -> None:
    """Messages past Discord's limits get 400 / 50035."""
    record = await standin.interact("help")
    status, content_type, body = await callback(http, standin, record, {"type": 4, "data": data})
    assert (status, body["code"]) == (400, 50035)
    assert content_type == "application/json"


@pytest.mark.parametrize(
    "choices",
    [[{"name": f"c{i}", "value": str(i)} for i in range(26)], [{"name": "n" * 101, "value": "v"}]],
    ids=["26-choices", "name-101"],
)
async def test_autocomplete_limits(standin: DiscordStandIn, http: aiohttp.ClientSession, choices: Any) -> None:
    """More than 25 choices, or a name over 100 characters, is refused."""
    record = await standin.interact("gpu", {"name": "rt"}, focused="name")
    status, _type, body = await callback(http, standin, record, {"type": 8, "data": {"choices": choices}})
    assert (status, body["code"]) == (400, 50035)


async def test_rate_limit_looks_like_discords(standin: DiscordStandIn, http: aiohttp.ClientSession) -> None:
    """A simulated 429 carries Via and a JSON retry_after, which discord.py needs to retry instead of failing."""
    standin.rate_limit_next("GET", r"^/users/@me$", retry_after=0.5)
    headers = {"Authorization": f"Bot {standin.token}"}
    async with http.get(f"{standin.api_url}/users/@me", headers=headers) as response:
        assert response.status == 429
        assert response.headers["Via"] and response.headers["Content-Type"] == "application/json"
        assert (await response.json())["retry_after"] == 0.5
    async with http.get(f"{standin.api_url}/users/@me", headers=headers) as response:
        assert response.status == 200


async def test_rest_needs_the_bot_token(standin: DiscordStandIn, http: aiohttp.ClientSession) -> None:
    """Without the right Authorization header the API answers 401."""
    async with http.get(f"{standin.api_url}/users/@me", headers={"Authorization": "Bot nope"}) as response:
        assert response.status == 401
