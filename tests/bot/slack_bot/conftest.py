"""Fixtures: a Slack stand-in on 127.0.0.1 and the real vrambot Slack app served over HTTP against it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.chat.lifecycle import SWITCH_INTERVAL_S
from bot.slack_bot.app import SlackBot
from bot.slack_bot.runtime import http_web_app
from bot.slack_bot.settings import SlackSettings
from tests.bot.slack_bot.payloads import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    as_json,
    event_callback,
    signed_headers,
    slash_command,
)
from tests.bot.slack_bot.standin import SlackStandIn

SLACK_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_VERIFICATION_TOKEN",
)


@pytest.fixture(autouse=True)
def clean_slack_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Bolt and the settings read SLACK_* from the environment: no test sees the developer's."""
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn()
    await standin.start()
    yield standin
    await standin.close()


@pytest.fixture
def settings(slack: SlackStandIn) -> SlackSettings:
    return SlackSettings(
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=slack.api_url,
        cooldown_rate=1000,
        _env_file=None,
    )


@dataclass
class HttpApp:
    """The running app in HTTP mode and a client that talks to it as Slack does."""

    bot: SlackBot
    url: str
    session: aiohttp.ClientSession
    slack: SlackStandIn

    async def post(self, body: str, headers: dict[str, str], content_type: str) -> aiohttp.ClientResponse:
        async with self.session.post(
            f"{self.url}/slack/events", data=body.encode(), headers={"Content-Type": content_type, **headers}
        ) as response:
            await response.read()
            return response

    async def command(self, text: str, response_id: str = "r1", **kwargs: Any) -> aiohttp.ClientResponse:
        body = slash_command(text, self.slack.response_url(response_id), **kwargs)
        return await self.post(body, signed_headers(body), "application/x-www-form-urlencoded")

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, extra_headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        body = as_json(event_callback(event, event_id=event_id))
        return await self.post(body, {**signed_headers(body), **(extra_headers or {})}, "application/json")


@pytest.fixture
async def http_app(settings: SlackSettings, slack: SlackStandIn) -> AsyncIterator[HttpApp]:
    """vrambot's Slack app (real Bolt, real knowledge) served by aiohttp on a random loopback port, with the
    GIL switch interval `vrambot slack` runs with (bot/chat/lifecycle.py)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    bot = SlackBot(settings)
    runner = web.AppRunner(http_web_app(bot), handle_signals=False, access_log=None)  # as run_http serves it
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        yield HttpApp(bot, f"http://127.0.0.1:{port}", session, slack)
    await runner.cleanup()
    sys.setswitchinterval(interval)
