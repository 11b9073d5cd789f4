"""End to end: rate limits, failures, load, health, sharding and refused intents."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord
import pytest

from bot.discord_bot import render

from .conftest import RunningBot, StartBot
from .standin.server import DiscordStandIn


async def test_rate_limited_reply_is_retried(standin: DiscordStandIn, running: RunningBot) -> None:
    """A 429 on posting the answer in the thread is waited out (retry_after) and the answer arrives."""
    standin.rate_limit_next("POST", r"^/channels/\d+/messages$", retry_after=0.3)
    question = await standin.say("can a 3090 run llama 2 13b?")
    thread = await standin.until(lambda: standin.thread_of(question["id"]), what="a thread")
    answer = (await standin.until(lambda: standin.bot_messages(thread["id"]), what="the answer"))[0]
    posts = [r for r in standin.requests if r.method == "POST" and r.path == f"/channels/{thread['id']}/messages"]
    assert [r.status for r in posts] == [429, 200]
    assert answer["embeds"][0]["title"]


async def test_handler_exception_is_logged_apologized_and_the_bot_keeps_running(
    standin: DiscordStandIn, running: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """If answering fails, the error is logged with the interaction id, the user gets a short apology,
    and the next interaction is answered normally."""
    standin.fail_next("POST", r"/callback$", 400, {"code": 50035, "message": "Invalid Form Body"})
    with caplog.at_level(logging.ERROR, logger="vrambot.discord"):
        record = await standin.interact("gpu", {"name": "rtx-4090"})
        reply = await standin.reply_to(record)
    assert reply.ephemeral
    assert record.id in reply.embed["description"]
    assert any(record.id in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    after = await standin.reply_to(await standin.interact("gpu", {"name": "rtx-4090"}))
    assert not after.ephemeral and after.embed["color"] == render.COLOURS["info"]
    assert not running.task.done()


async def test_fifty_interactions_at_once_are_all_answered_in_time(
    standin: DiscordStandIn, running: RunningBot
) -> None:
    """Fifty users asking at the same moment all get their answer before Discord's 3-second deadline."""
    users = [{**standin.alice, "id": str(int(standin.alice["id"]) + i)} for i in range(50)]
    commands = [
        ("fit", {"model": "llama-2-7b", "gpu": "rtx-4060"}),
        ("vram", {"model": "qwen2.5-14b"}),
        ("ask", {"question": "can a 4090 fine-tune llama 3 8b with qlora?"}),
        ("gpu", {"name": "a100 80gb"}),
        ("model", {"name": "mixtral"}),
    ]
    records = await asyncio.gather(
        *(standin.interact(*commands[i % len(commands)], user=user) for i, user in enumerate(users))
    )
    replies = await asyncio.gather(*(standin.reply_to(r, timeout=10) for r in records))
    assert all(r.initial is not None and r.initial.after_s < standin.deadline_s for r in records)
    assert all(not r.rejected for r in records)
    assert all(reply.embed["title"] for reply in replies)


async def test_health_is_200_only_while_the_gateway_is_ready(standin: DiscordStandIn, start_bot: StartBot) -> None:
    """503 before READY and while reconnecting; 200 once ready and again once resumed."""
    standin.gateway.release.clear()
    running = await start_bot(wait_ready=False)
    await standin.until(lambda: standin.gateway.identifies and running.bot.health_port, what="IDENTIFY")
    async with aiohttp.ClientSession() as http:

        async def status() -> int:
            async with http.get(running.health_url) as response:
                return response.status

        assert await status() == 503
        standin.gateway.release.set()
        await standin.until(running.bot.is_ready, what="ready")
        assert await status() == 200

        standin.gateway.release.clear()
        await standin.gateway.reconnect_all()
        await standin.until(lambda: standin.gateway.resumes, what="RESUME")
        assert await status() == 503
        standin.gateway.release.set()
        await standin.until(running.bot.is_ready, what="resumed")
        assert await status() == 200


async def test_sharded_client_asks_for_the_gateway_and_identifies_its_shard(
    standin: DiscordStandIn, start_bot: StartBot
) -> None:
    """With DISCORD_SHARDED the AutoShardedClient reads GET /gateway/bot and identifies shard [0, 1]."""
    running = await start_bot(sharded=True)
    assert isinstance(running.bot.client, discord.AutoShardedClient)
    assert ("GET", "/gateway/bot") in [(r.method, r.path) for r in standin.requests]
    assert standin.gateway.identifies[-1]["shard"] == [0, 1]
    reply = await standin.reply_to(await standin.interact("gpu", {"name": "rtx-4090"}))
    assert reply.embed["title"]


async def test_refused_message_content_intent_stops_with_a_clear_error(
    standin: DiscordStandIn, start_bot: StartBot
) -> None:
    """Asking for Message Content that the application lacks ends with PrivilegedIntentsRequired (4014)."""
    running = await start_bot(wait_ready=False, message_content=True)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await asyncio.wait_for(asyncio.shield(running.task), 5)
    running.expected_exit = True
