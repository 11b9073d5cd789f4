"""Two `vrambot slack --http` workers behind a load balancer, sharing a real Redis (VRAMBOT_REDIS_URL)."""

from __future__ import annotations

import aiohttp

from tests.bot.redis_server import RedisServer
from tests.bot.slack_bot.payloads import BOT_TOKEN, SIGNING_SECRET, as_json, event_callback, mention, signed_headers
from tests.bot.slack_bot.standin import SlackStandIn
from tests.bot.slack_bot.test_slack_cli import free_port, vrambot, wait_healthy


async def post_event(port: int, event: dict[str, object], event_id: str, retry: int | None = None) -> int:
    body = as_json(event_callback(event, event_id=event_id))
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    if retry is not None:
        headers["X-Slack-Retry-Num"] = str(retry)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as response,
    ):
        return response.status


async def test_two_workers_share_retries_and_thread_context_and_survive_redis_going_away(
    slack: SlackStandIn, redis_server: RedisServer
) -> None:
    """A retry delivered to the other worker is answered once; a thread follow-up reaching the other worker
    keeps its context; when Redis stops, both keep answering, each logging one warning."""
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "VRAMBOT_REDIS_URL": redis_server.url,
    }
    one, two = free_port(), free_port()
    async with (
        vrambot("slack", "--http", "--host", "127.0.0.1", "--port", str(one), env=env) as first,
        vrambot("slack", "--http", "--host", "127.0.0.1", "--port", str(two), env=env) as second,
    ):
        await wait_healthy(f"http://127.0.0.1:{one}/health", first)
        await wait_healthy(f"http://127.0.0.1:{two}/health", second)

        question = mention("can a 4090 run llama 2 7b?")
        assert await post_event(one, question, "EvSHARED1") == 200
        await slack.wait_for(lambda: len(slack.posts()) == 1)
        assert await post_event(two, question, "EvSHARED1", retry=1) == 200  # Slack's retry, other worker
        follow_up = mention("what about a 3090?", thread_ts=question["ts"])  # type: ignore[arg-type]
        assert await post_event(two, follow_up, "EvSHARED2") == 200
        await slack.wait_for(lambda: len(slack.posts()) == 2)
        posts = slack.posts()
        assert [p["thread_ts"] for p in posts] == [question["ts"], question["ts"]]  # the retry posted nothing
        assert "RTX 3090" in posts[1]["text"] and "Llama 2 7B" in posts[1]["text"]  # the model came from worker one

        redis_server.stop()
        for port, index in ((one, 3), (two, 4)):
            assert await post_event(port, mention("can a 4060 run mistral 7b?"), f"EvSHARED{index}") == 200
        await slack.wait_for(lambda: len(slack.posts()) == 4)
        await wait_healthy(f"http://127.0.0.1:{one}/health", first)
        await wait_healthy(f"http://127.0.0.1:{two}/health", second)
    for worker in (first, second):
        logged = "".join(worker.stderr)
        assert logged.count("Redis unreachable") == 1 and "Traceback" not in logged
