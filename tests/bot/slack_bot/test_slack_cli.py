"""`vrambot slack` and `vrambot serve` as an operator runs them: settings errors, then real processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.slack_bot.payloads import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    event_callback,
    mention,
    signed_headers,
    slash_command,
    socket_envelope,
)
from tests.bot.slack_bot.standin import SlackStandIn


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["slack"], {}, "vrambot slack: The Slack app (Socket Mode) needs SLACK_BOT_TOKEN + SLACK_APP_TOKEN:"),
        (["slack", "--http"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, "(HTTP mode, --http) needs SLACK_SIGNING_SECRET:"),
        (
            ["slack"],
            {"LANG": "es_ES.UTF-8"},
            "La app de Slack (Socket Mode) necesita SLACK_BOT_TOKEN + SLACK_APP_TOKEN",
        ),
        (["serve"], {"DISCORD_TOKEN": ""}, "vrambot serve: No bot to run: set DISCORD_TOKEN"),
        (["serve"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_BOT_TOKEN is set, but Slack also needs SLACK_APP_TOKEN"),
        (["slack"], {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN}, "must be an app-level token"),
        (["slack", "--http"], {"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL must be an http(s) URL"),
    ],
    ids=["socket-none", "http-no-secret", "spanish", "serve-none", "serve-slack-half", "app-token-kind", "api-url"],
)
def test_missing_or_wrong_settings_exit_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], expected: str
) -> None:
    """The operator gets one line naming the variables to set, in their language, and exit status 2."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert BOT_TOKEN not in result.output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Process:
    """A `vrambot` process whose stderr is collected while it runs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stderr: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.stderr.append(line.decode(errors="replace"))

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            code = await self.process.wait()
        await self._reader
        return code


@contextlib.asynccontextmanager
async def vrambot(*args: str, env: dict[str, str]) -> AsyncIterator[Process]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "VRAMBOT_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        env={**clean, "LANG": "en_US.UTF-8", **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    running = Process(process)
    try:
        yield running
    finally:
        await running.stop()


async def wait_healthy(url: str, process: Process, want: int = 200) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.process.returncode is not None:
                raise AssertionError("vrambot exited early:\n" + "".join(process.stderr))
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(url) as response:
                    if response.status == want:
                        return
            await asyncio.sleep(0.05)
    raise AssertionError("vrambot never became healthy:\n" + "".join(process.stderr))


async def test_vrambot_slack_http_serves_health_and_answers_without_logging_secrets(slack: SlackStandIn) -> None:
    """`vrambot slack --http --port N` at DEBUG: /health is 200, a signed /vram is answered, no secret is logged."""
    port = free_port()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url}
    async with vrambot(
        "slack", "--http", "--host", "127.0.0.1", "--port", str(port), "--log-level", "DEBUG", env=env
    ) as app:
        await wait_healthy(f"http://127.0.0.1:{port}/health", app)
        body = slash_command("can a 4060 train a 7B?", slack.response_url("cli"))
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{port}/slack/events",
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)},
            ) as response,
        ):
            assert response.status == 200
        await slack.wait_for(lambda: len(slack.posted) == 1)
        assert slack.posted[0].body["response_type"] == "in_channel"
        assert next(c.authorization for c in slack.calls_to("auth.test")) == f"Bearer {BOT_TOKEN}"
    assert await app.stop() == 0
    logged = "".join(app.stderr)
    assert "DEBUG" in logged and "listening on http://127.0.0.1" in logged
    for secret in (BOT_TOKEN, SIGNING_SECRET):
        assert secret not in logged


async def test_vrambot_slack_exits_2_when_slack_rejects_the_token(slack: SlackStandIn) -> None:
    """A token Slack refuses stops the app at start with one line that names it (and never prints it)."""
    env = {
        "SLACK_BOT_TOKEN": "xoxp-a-user-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
    }
    async with vrambot("slack", "--http", "--port", str(free_port()), env=env) as app:
        code = await asyncio.wait_for(app.process.wait(), 20)
    assert code == 2
    logged = "".join(app.stderr)
    assert "Slack rejected SLACK_BOT_TOKEN (not_authed)" in logged and "xoxp-a-user-token" not in logged


async def test_vrambot_serve_runs_slack_in_socket_mode_with_health(slack: SlackStandIn) -> None:
    """`vrambot serve` with Socket Mode tokens: connects, /health is 200, a mention is answered in its thread."""
    port = free_port()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": slack.api_url}
    async with vrambot("serve", "--health-port", str(port), "--log-level", "DEBUG", env=env) as app:
        await wait_healthy(f"http://127.0.0.1:{port}/health", app)
        event = mention("how much VRAM to run mixtral?")
        await slack.push(socket_envelope(event_callback(event)))
        await slack.wait_for(lambda: len(slack.posts()) == 1)
        assert slack.posts()[0]["thread_ts"] == event["ts"]
        await slack.drop_sockets()
        await slack.wait_for(lambda: slack.socket_connections == 2, timeout=15)
    logged = "".join(app.stderr)
    assert "running slack" in logged
    for secret in (BOT_TOKEN, APP_TOKEN):
        assert secret not in logged
