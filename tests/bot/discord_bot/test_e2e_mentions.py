"""End to end: questions asked by mentioning the bot or in a DM, answered in threads, follow-ups in context."""

from __future__ import annotations

import asyncio

import aiohttp

import knowledge
from bot.discord_bot import render

from .conftest import RunningBot, StartBot
from .standin.records import Json
from .standin.server import DiscordStandIn


async def answer_in(standin: DiscordStandIn, channel_id: str, count: int = 1) -> Json:
    """The ``count``-th message the bot posted in ``channel_id``."""

    def nth() -> Json | None:
        posted = standin.bot_messages(channel_id)
        return posted[count - 1] if len(posted) >= count else None

    return await standin.until(nth, what=f"bot message {count} in {channel_id}")


async def test_mention_is_answered_in_a_new_thread_and_follow_up_keeps_context(
    standin: DiscordStandIn, running: RunningBot
) -> None:
    """A mention starts a thread from the question; a follow-up there is understood against the first answer."""
    first = "can a 4060 run llama 2 13b?"
    question = await standin.say(first)
    thread = await standin.until(lambda: standin.thread_of(question["id"]), what="a thread")
    assert thread["parent_id"] == standin.channel_id
    assert thread["name"] == first
    answer = await answer_in(standin, thread["id"])
    previous = knowledge.ask(first)
    assert answer["embeds"][0]["title"] == render.answer_embed(previous)["title"]
    assert answer["allowed_mentions"] == {"parse": []}
    assert standin.bot_messages(standin.channel_id) == []  # nothing posted in the channel itself

    follow_up = await standin.say("what about a 3090?", channel_id=thread["id"])
    second = await answer_in(standin, thread["id"], 2)
    expected = knowledge.ask("what about a 3090?", previous=previous)
    assert expected.model is not None and expected.model.id == "llama-2-13b"
    assert second["embeds"][0]["title"] == render.answer_embed(expected)["title"]
    assert second["message_reference"]["message_id"] == follow_up["id"]


async def test_spanish_mention_gets_a_spanish_answer(standin: DiscordStandIn, running: RunningBot) -> None:
    """Mentions carry no locale: the answer follows the question's language."""
    text = "¿cuánta VRAM necesito para correr Llama 2 13B?"
    question = await standin.say(text, user=standin.bruno)
    thread = await standin.until(lambda: standin.thread_of(question["id"]), what="a thread")
    answer = await answer_in(standin, thread["id"])
    expected = knowledge.ask(text)
    assert expected.language == "es"
    assert answer["embeds"][0]["title"] == render.answer_embed(expected)["title"]


async def test_direct_message_is_answered_in_the_dm(standin: DiscordStandIn, running: RunningBot) -> None:
    """A DM needs no mention; the reply goes to the DM, and the DM remembers the conversation."""
    dm = standin.open_dm(standin.alice)
    await standin.say("how much vram for mistral 7b?", channel_id=dm, mention=False)
    answer = await answer_in(standin, dm)
    assert answer["embeds"][0]["title"] == render.answer_embed(knowledge.ask("how much vram for mistral 7b?"))["title"]
    await standin.say("and in 4 bits?", channel_id=dm, mention=False)
    second = await answer_in(standin, dm, 2)
    expected = knowledge.ask("and in 4 bits?", previous=knowledge.ask("how much vram for mistral 7b?"))
    assert second["embeds"][0]["title"] == render.answer_embed(expected)["title"]


async def test_messages_not_addressed_to_the_bot_are_ignored(standin: DiscordStandIn, running: RunningBot) -> None:
    """Without a mention nothing happens, and the bot never answers its own messages."""
    await standin.say("can a 4060 run llama 2 7b?", mention=False)
    question = await standin.say("can a 4060 run llama 2 7b?")
    thread = await standin.until(lambda: standin.thread_of(question["id"]), what="a thread")
    await answer_in(standin, thread["id"])
    await asyncio.sleep(0.2)  # give a wrong reply (to the un-mentioned message or to itself) time to show
    assert len(standin.bot_messages(thread["id"])) == 1
    assert standin.bot_messages(standin.channel_id) == []
    assert len([c for c in standin.channels.values() if c["type"] == 11]) == 1


async def test_with_message_content_follow_ups_need_no_mention(standin: DiscordStandIn, start_bot: StartBot) -> None:
    """With the privileged intent granted, un-mentioned follow-ups in the bot's thread are answered."""
    standin.message_content_allowed = True
    await start_bot(message_content=True)
    question = await standin.say("can a 4060 run llama 2 13b?")
    thread = await standin.until(lambda: standin.thread_of(question["id"]), what="a thread")
    await answer_in(standin, thread["id"])
    await standin.say("what about a 3090?", channel_id=thread["id"], mention=False)
    second = await answer_in(standin, thread["id"], 2)
    expected = knowledge.ask("what about a 3090?", previous=knowledge.ask("can a 4060 run llama 2 13b?"))
    assert second["embeds"][0]["title"] == render.answer_embed(expected)["title"]


async def test_nobody_is_pinged_even_when_the_question_names_everyone(
    standin: DiscordStandIn, running: RunningBot
) -> None:
    """Every message the bot sends forbids mentions (@everyone, roles, users, the replied-to author)."""
    question = await standin.say("@everyone <@&123> can a 4090 run llama 2 70b?")
    thread = await standin.until(lambda: standin.thread_of(question["id"]), what="a thread")
    await answer_in(standin, thread["id"])
    await standin.say("@everyone and in 4 bits?", channel_id=thread["id"])
    second = await answer_in(standin, thread["id"], 2)
    assert standin.bot_messages(thread["id"])[0]["allowed_mentions"] == {"parse": []}
    assert second["allowed_mentions"] == {"parse": [], "replied_user": False}


async def test_a_mention_over_the_cooldown_is_refused_before_any_answer_is_computed(
    standin: DiscordStandIn, start_bot: StartBot
) -> None:
    """1 question per minute: the second mention gets the notice, and /metrics shows one answer computed, not two."""
    running = await start_bot(cooldown_rate=1, cooldown_per=60)

    async def computed() -> float:
        async with (
            aiohttp.ClientSession() as session,
            session.get(running.health_url.replace("/health", "/metrics")) as response,
        ):
            text = await response.text()
        line = next(
            line for line in text.splitlines() if line.startswith('vrambot_answer_seconds_count{platform="discord"}')
        )
        return float(line.rsplit(" ", 1)[1])

    await standin.say("can a 4060 run llama 2 7b?")
    await standin.until(lambda: any(standin.bot_messages(c) for c in list(standin.channels)), what="the answer")
    before = await computed()
    second = await standin.say("¿y una 4090?")
    notice = await answer_in(standin, standin.channel_id)
    assert notice["message_reference"]["message_id"] == second["id"]
    assert notice["embeds"][0]["description"] == "Vas un poco rápido. Vuelve a intentarlo en 60 s, por favor."
    assert await computed() == before
