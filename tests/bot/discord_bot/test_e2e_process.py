"""Black box: the `vrambot discord` command as an operator runs it, configured only by environment variables."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp

from .standin.server import DiscordStandIn

VRAMBOT = Path(sys.executable).with_name("vrambot")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(standin: DiscordStandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VRAMBOT_"))}
    env.update(
        DISCORD_TOKEN=standin.token,
        DISCORD_API_URL=standin.api_url,
        DISCORD_GATEWAY_URL=standin.gateway_url,
        DISCORD_GUILD_READY_TIMEOUT="0.05",
        LANG="C.UTF-8",
        **extra,
    )
    return env


async def test_vrambot_discord_runs_answers_reports_health_and_stops_on_sigterm(
    standin: DiscordStandIn, tmp_path: Path
) -> None:
    """The process connects, answers a slash command, serves /health, logs no token, and exits 0 on SIGTERM."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(VRAMBOT), "discord", cwd=tmp_path, env=environment(standin, tmp_path, DISCORD_HEALTH_PORT=str(port)),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await standin.until(lambda: any(s.ready for s in standin.gateway.sessions), 15, "the process to connect")
        reply = await standin.reply_to(await standin.interact("gpu", {"name": "rtx-4090"}))
        if not reply.embed.get("title"):
            process.kill()
            raise AssertionError((await process.communicate())[1].decode())
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                async with http.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        break
                await asyncio.sleep(0.05)
            assert response.status == 200
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert standin.token not in (stdout + stderr).decode()
    assert "Traceback" not in stderr.decode()


async def test_vrambot_discord_sync_guild(standin: DiscordStandIn, tmp_path: Path) -> None:
    """`vrambot discord sync --guild ID` registers the six commands in that guild and says so."""
    process = await asyncio.create_subprocess_exec(
        str(VRAMBOT), "discord", "sync", "--guild", standin.guild_id, cwd=tmp_path,
        env=environment(standin, tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()
    assert f"Synced 6 commands to server {standin.guild_id}" in stdout.decode()
    assert len(standin.synced[standin.guild_id]) == 6


async def test_rejected_token_is_one_clear_line(standin: DiscordStandIn, tmp_path: Path) -> None:
    """A token Discord refuses (401) ends with one line saying to check the token, exit 1."""
    env = environment(standin, tmp_path)
    env["DISCORD_TOKEN"] = "not-the-token"
    process = await asyncio.create_subprocess_exec(
        str(VRAMBOT), "discord", "sync", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 1
    last = stderr.decode().strip().splitlines()[-1]
    assert "rejected DISCORD_TOKEN" in last
    assert "Traceback" not in stderr.decode() and "not-the-token" not in stderr.decode()


async def test_sigterm_with_20_interactions_in_flight_answers_all_and_exits_0(
    standin: DiscordStandIn, tmp_path: Path
) -> None:
    """20 slash commands whose replies are on their way when SIGTERM arrives: all 20 are delivered, exit 0."""
    process = await asyncio.create_subprocess_exec(
        str(VRAMBOT), "discord", cwd=tmp_path,
        env=environment(standin, tmp_path, DISCORD_COOLDOWN_RATE="100"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await standin.until(lambda: any(s.ready for s in standin.gateway.sessions), 15, "the process to connect")
        standin.callback_delay = 1.0
        records = [await standin.interact("gpu", {"name": "rtx-4090"}) for _ in range(20)]
        callbacks = lambda: [r for r in standin.requests if r.path.endswith("/callback")]  # noqa: E731
        await standin.until(lambda: len(callbacks()) >= 20, 10, "the 20 replies to be on their way")
        process.send_signal(signal.SIGTERM)
        _stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert all(record.initial is not None and record.initial.data.get("embeds") for record in records)
    assert "Traceback" not in stderr.decode()


async def test_shards_in_separate_processes_share_redis_and_answer_once(tmp_path: Path, redis_server: Any) -> None:
    """`--shard-ids 0 --shard-count 2` and `--shard-ids 1 --shard-count 2`: each process identifies as its shard,
    the guild's events reach one of them, and its slash command is answered exactly once."""
    standin = DiscordStandIn(shards=2)
    await standin.start()
    processes = []
    try:
        for shard in ("0", "1"):
            env = environment(standin, tmp_path, VRAMBOT_REDIS_URL=redis_server.url)
            processes.append(
                await asyncio.create_subprocess_exec(
                    str(VRAMBOT),
                    "discord",
                    "--shard-ids",
                    shard,
                    "--shard-count",
                    "2",
                    cwd=tmp_path,
                    env=env,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
            )
        await standin.until(
            lambda: sorted(s.shard for s in standin.gateway.sessions if s.ready) == [(0, 2), (1, 2)], 20, "two shards"
        )
        record = await standin.interact("gpu", {"name": "rtx-4090"})
        reply = await standin.reply_to(record, 10)
        assert "RTX 4090" in reply.embed["title"] and len(record.replies) == 1
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(process.wait(), 20) for process in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await standin.stop()
    assert codes == [0, 0]


async def test_the_token_never_reaches_the_log_even_inside_a_traceback(standin: DiscordStandIn, tmp_path: Path) -> None:
    """Discord answers a reply with an error whose message carries the token (as a proxy echoing the request
    might): the failure is logged with its traceback, in JSON too, and the token shows as [redacted] everywhere."""
    process = await asyncio.create_subprocess_exec(
        str(VRAMBOT), "discord", cwd=tmp_path, env=environment(standin, tmp_path, VRAMBOT_LOG_JSON="true"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await standin.until(lambda: any(s.ready for s in standin.gateway.sessions), 15, "the process to connect")
        echo = {"code": 50035, "message": f"Invalid Form Body (Authorization: Bot {standin.token})"}
        standin.fail_next("POST", r"/callback$", 400, echo)
        record = await standin.interact("gpu", {"name": "rtx-4090"})
        await standin.until(lambda: record.rejected or record.replies, 10, "the failed reply")
        await asyncio.sleep(0.5)  # the failure is logged
        process.send_signal(signal.SIGTERM)
        _stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    logged = stderr.decode()
    entries = [json.loads(line) for line in logged.splitlines()]
    failed = [entry for entry in entries if entry["level"] == "ERROR" and "traceback" in entry]
    assert failed and "HTTPException" in failed[0]["traceback"] and "[redacted]" in failed[0]["traceback"], logged
    assert standin.token not in logged
