"""Graceful shutdown, as an operator stops the real process: every acknowledged slash command is answered.

Slack does not retry a slash command it saw acknowledged, so an answer dropped at shutdown is lost. Here the
stand-in's response_url takes a second to answer, so all 20 answers are in flight when the signal arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.bot.slack_bot.payloads import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, signed_headers, slash_command
from tests.bot.slack_bot.standin import SlackStandIn
from tests.bot.slack_bot.test_slack_cli import Process, free_port, wait_healthy

IN_FLIGHT = 20


@contextlib.asynccontextmanager
async def started(args: list[str], env: dict[str, str], *, ignore_sigint: bool) -> AsyncIterator[Process]:
    """The real `vrambot` process; with ``ignore_sigint`` it inherits SIGINT ignored, as `cmd &` in a script does."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "VRAMBOT_"))}
    command = [sys.executable, "-c", "from bot.cli import main; main()", *args]
    if ignore_sigint:  # the shell sets SIGINT to ignored and execs Python, which inherits it
        command = ["/bin/sh", "-c", 'trap "" INT; exec "$@"', "sh", *command]
    process = await asyncio.create_subprocess_exec(
        *command,
        env={**clean, "LANG": "en_US.UTF-8", **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    running = Process(process)
    try:
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await running._reader


async def post_commands(port: int, slack: SlackStandIn) -> list[int]:
    async def one(index: int, session: aiohttp.ClientSession) -> int:
        body = slash_command("can a 4060 run llama 2 7b?", slack.response_url(f"c{index}"), trigger_id=f"{index}.t")
        async with session.post(
            f"http://127.0.0.1:{port}/slack/events",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)},
        ) as response:
            return response.status

    async with aiohttp.ClientSession() as session:
        return list(await asyncio.gather(*(one(index, session) for index in range(IN_FLIGHT))))


@pytest.mark.parametrize(
    ("command", "sig", "ignore_sigint"),
    [
        ("slack", signal.SIGTERM, False),
        ("slack", signal.SIGINT, True),  # SIGINT, with the harder case of SIGINT inherited as ignored
        ("serve", signal.SIGTERM, False),
    ],
    ids=["slack-sigterm", "slack-sigint-inherited-ignored", "serve-sigterm"],
)
async def test_a_stop_signal_finishes_every_acknowledged_answer_and_exits_0(
    slack: SlackStandIn, command: str, sig: signal.Signals, ignore_sigint: bool
) -> None:
    """20 signed /vram commands acknowledged, then the signal: all 20 answers reach Slack, exit status 0."""
    port = free_port()
    slack.response_delay = 1.0
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "SLACK_COOLDOWN_RATE": "100",
    }
    args = ["slack", "--http"] if command == "slack" else ["serve"]
    async with started([*args, "--host", "127.0.0.1", "--port", str(port)], env, ignore_sigint=ignore_sigint) as app:
        await wait_healthy(f"http://127.0.0.1:{port}/health", app)
        assert await post_commands(port, slack) == [200] * IN_FLIGHT  # every command acknowledged
        app.process.send_signal(sig)
        code = await asyncio.wait_for(app.process.wait(), 20)
    logged = "".join(app.stderr)
    assert code == 0, logged
    assert sorted(p.response_id for p in slack.posted) == sorted(f"c{index}" for index in range(IN_FLIGHT)), logged
    assert "stopping (SIG" in logged and "Traceback" not in logged


async def test_a_second_signal_stops_without_waiting(slack: SlackStandIn) -> None:
    """An operator who signals twice is not kept waiting for the answer in flight (3 s here)."""
    port = free_port()
    slack.response_delay = 3.0
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url}
    async with started(
        ["slack", "--http", "--host", "127.0.0.1", "--port", str(port)], env, ignore_sigint=False
    ) as app:
        await wait_healthy(f"http://127.0.0.1:{port}/health", app)
        body = slash_command("help", slack.response_url("slow"))
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{port}/slack/events",
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)},
            ) as response,
        ):
            assert response.status == 200
        app.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        app.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(app.process.wait(), 10)
        assert slack.posted == []  # it did not wait the 3 s for the answer
    assert code == 0
    assert "second stop request" in "".join(app.stderr)


async def test_socket_mode_finishes_acknowledged_commands_on_sigterm(slack: SlackStandIn) -> None:
    """Socket Mode: 20 slash commands acknowledged over the websocket, then SIGTERM: the socket closes, all 20
    answers still reach their response_url, exit 0."""
    from urllib.parse import parse_qsl

    health = free_port()
    slack.response_delay = 1.0
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "SLACK_COOLDOWN_RATE": "100",
    }
    async with started(["slack", "--health-port", str(health)], env, ignore_sigint=False) as app:
        await wait_healthy(f"http://127.0.0.1:{health}/health", app)
        for index in range(IN_FLIGHT):
            form = dict(parse_qsl(slash_command("help", slack.response_url(f"s{index}"), trigger_id=f"{index}.s")))
            await slack.push({"envelope_id": f"env-{index}", "type": "slash_commands", "payload": form})
        await slack.wait_for(lambda: len(slack.socket_acks) == IN_FLIGHT)
        app.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(app.process.wait(), 20)
    logged = "".join(app.stderr)
    assert code == 0, logged
    assert sorted(p.response_id for p in slack.posted) == sorted(f"s{index}" for index in range(IN_FLIGHT)), logged
