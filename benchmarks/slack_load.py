"""Load: 200 concurrent signed slash commands against two `vrambot slack --http` workers sharing Redis.

Targets (issue 12): acknowledgement p99 under 1 s on this machine size; every command answered exactly once,
also when 50 of them are delivered a second time to the other worker (a load balancer's retry).
Everything is local: the Slack stand-in of the tests, a real redis-server, the real `vrambot` processes.
Run: `.venv/bin/python benchmarks/slack_load.py` (writes benchmarks/slack_load.txt too).
"""

from __future__ import annotations

import asyncio
import collections
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bot.redis_server import start_redis  # noqa: E402  # importable only after the path set-up above
from tests.bot.slack_bot.payloads import BOT_TOKEN, SIGNING_SECRET, signed_headers, slash_command  # noqa: E402
from tests.bot.slack_bot.standin import SlackStandIn  # noqa: E402
from tests.bot.slack_bot.test_slack_cli import free_port, vrambot, wait_healthy  # noqa: E402

COMMANDS = 200
REPLAYED = 50
QUESTIONS = (
    "can a 4060 run llama 2 7b?",
    "¿Cuánta VRAM necesito para Llama 2 13B?",
    "fit model:llama-3-8b gpu:rtx-4090 task:qlora",
    "how many H100s to run llama 3.1 405b in fp16?",
)


async def main() -> str:
    slack = SlackStandIn()
    await slack.start()
    with tempfile.TemporaryDirectory() as scratch:
        redis = start_redis(Path(scratch))
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "SLACK_COOLDOWN_RATE": "1000",
            "VRAMBOT_REDIS_URL": redis.url,
            "PYTHONPATH": str(ROOT),
        }
        ports = [free_port(), free_port()]
        try:
            async with (
                vrambot("slack", "--http", "--host", "127.0.0.1", "--port", str(ports[0]), env=env) as one,
                vrambot("slack", "--http", "--host", "127.0.0.1", "--port", str(ports[1]), env=env) as two,
            ):
                await wait_healthy(f"http://127.0.0.1:{ports[0]}/health", one)
                await wait_healthy(f"http://127.0.0.1:{ports[1]}/health", two)
                bodies = [
                    slash_command(QUESTIONS[i % len(QUESTIONS)], slack.response_url(f"r{i}"), trigger_id=f"{i}.load")
                    for i in range(COMMANDS)
                ]

                async def post(session: aiohttp.ClientSession, port: int, body: str) -> tuple[int, float]:
                    started = time.perf_counter()
                    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
                    async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as r:
                        await r.read()
                        return r.status, time.perf_counter() - started

                connector = aiohttp.TCPConnector(limit=0)
                async with aiohttp.ClientSession(connector=connector) as session:
                    started = time.perf_counter()
                    sent = [post(session, ports[i % 2], body) for i, body in enumerate(bodies)]
                    replays = [post(session, ports[(i + 1) % 2], bodies[i]) for i in range(REPLAYED)]
                    results = await asyncio.gather(*sent, *replays)
                    await slack.wait_for(lambda: len(slack.posted) >= COMMANDS, timeout=120)
                    answered_in = time.perf_counter() - started
                    await asyncio.sleep(2)  # let any duplicate arrive before counting
            warnings = [line.strip() for line in one.stderr + two.stderr if "WARNING" in line or "ERROR" in line]
        finally:
            redis.stop()
            await slack.close()
    acks = sorted(latency for _status, latency in results)
    statuses = collections.Counter(status for status, _latency in results)
    per_command = collections.Counter(p.response_id for p in slack.posted)
    once = sum(1 for i in range(COMMANDS) if per_command[f"r{i}"] == 1)
    p99 = acks[int(0.99 * (len(acks) - 1))]
    return "\n".join(
        [
            f"machine: {os.cpu_count()} CPUs; 2 workers (vrambot slack --http) sharing redis-server; Slack stand-in",
            f"requests: {COMMANDS} commands + {REPLAYED} replayed to the other worker, all at once",
            f"HTTP statuses: {dict(statuses)}",
            f"acknowledgement latency: p50 {statistics.median(acks) * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, max {acks[-1] * 1000:.0f} ms (target p99 < 1000 ms)",
            f"answered exactly once: {once} of {COMMANDS}; answers posted: {len(slack.posted)}",
            f"all answered within {answered_in:.1f} s of the first request",
            f"workers' warnings and errors: {len(warnings)}",
            *warnings[:5],
        ]
    )


if __name__ == "__main__":
    report = asyncio.run(main())
    print(report)
    (Path(__file__).with_suffix(".txt")).write_text(report + "\n", encoding="utf-8")
