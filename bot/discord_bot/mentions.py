"""Questions asked by mentioning the bot, or in a DM: answered in a thread, follow-ups in context.

In a server channel the bot starts a thread from the question and answers there; inside a thread it
replies in the thread; in a DM it replies in the DM. Each thread (or DM) remembers its previous answer
so that "what about a 3090?" is understood. Mentions carry no locale: the answer follows the question's
language, or the server's preferred locale when the question has none ("4060 llama 2 7b?").

Without the privileged Message Content intent Discord only delivers the text of messages that mention
the bot, so follow-ups mention it too; with the intent
(``DISCORD_MESSAGE_CONTENT``), un-mentioned messages in a thread the bot is answering in are answered.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Literal, Protocol

import discord

from bot.chat.core import Chat
from bot.discord_bot import limits, render
from bot.discord_bot.settings import DiscordSettings
from knowledge.i18n import Language, language_of_locale

log = logging.getLogger("vrambot.discord")


class VramBot(Protocol):
    """What mentions need of the bot (:class:`bot.discord_bot.client.VramBot`), without importing it."""

    client: discord.Client
    settings: DiscordSettings
    chat: Chat

    async def cooldown_notice(self, user_id: int, lang: Language | Callable[[], Language]) -> str | None: ...


THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440  # a day


def conversation_key(channel: discord.abc.Messageable) -> str | None:
    """The memory key of a conversation: a thread or a DM (None elsewhere)."""
    if isinstance(channel, discord.Thread):
        return f"discord:thread:{channel.id}"
    if isinstance(channel, discord.DMChannel):
        return f"discord:dm:{channel.id}"
    return None


def thread_name(question: str) -> str:
    """The thread's name: the question on one line, its mentions and markdown escaped, within 100 characters."""
    return limits.truncate(render.escape(limits.one_line(question)), limits.THREAD_NAME) or "vrambot"


class MentionHandler:
    """Answers mentions, DMs and follow-ups for one :class:`VramBot`."""

    def __init__(self, bot: VramBot) -> None:
        self._bot = bot

    async def question_of(self, message: discord.Message) -> str | None:
        """The question in ``message`` when it is addressed to the bot, else None."""
        me = self._bot.client.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        mentioned = any(user.id == me.id for user in message.mentions)
        is_dm = isinstance(message.channel, discord.DMChannel)
        key = conversation_key(message.channel)
        follow_up = (
            self._bot.settings.message_content
            and isinstance(message.channel, discord.Thread)
            and key is not None
            and await self._bot.chat.previous(key) is not None
        )
        if not (mentioned or is_dm or follow_up):
            return None
        return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()

    async def handle(self, message: discord.Message) -> None:
        self._bot.chat.lifecycle.track()
        if not self._bot.chat.accepting:
            return
        question = await self.question_of(message)
        if question is None or not await self._bot.chat.claim(f"discord:message:{message.id}"):
            return
        try:
            await self._answer(message, question)
        except Exception as error:  # the bot must outlive any failure while answering one message
            log.error(
                "message %s in channel %s failed: %s: %s",
                message.id,
                message.channel.id,
                type(error).__name__,
                error,
                exc_info=error,
            )
            await self._apologize(message, question)

    async def _answer(self, message: discord.Message, question: str) -> None:
        key = conversation_key(message.channel)
        previous = await self._bot.chat.previous(key)
        fallback = language_of_locale(message.guild.preferred_locale.value) if message.guild else None
        lang = functools.partial(self._bot.chat.language, question, previous.language if previous else None, fallback)
        notice = await self._bot.cooldown_notice(message.author.id, lang)  # before any answer is computed
        if notice is not None:
            await message.reply(embed=render.to_embed(render.notice_embed(notice)), mention_author=False)
            return
        answer = await self._bot.chat.ask(question, previous, fallback=fallback)
        embed = render.to_embed(render.answer_embed(answer))
        # The turn is remembered before it is posted: a follow-up typed as soon as it shows must find it.
        if key is not None:  # a thread or a DM: answer right there
            await self._bot.chat.remember(key, answer)
            await message.reply(embed=embed, mention_author=False)
        else:
            thread = await self._start_thread(message, question)
            if thread is None:
                await message.reply(embed=embed, mention_author=False)
                return
            key = conversation_key(thread)
            await self._bot.chat.remember(key, answer)
            await thread.send(embed=embed)
        self._bot.chat.answered(answer)
        log.info("message %s answered (%s)", message.id, answer.error or answer.intent)

    async def _start_thread(self, message: discord.Message, question: str) -> discord.Thread | None:
        """A thread started from the question, or None where threads cannot be created (no permission)."""
        if message.guild is None:
            return None
        try:
            return await message.create_thread(name=thread_name(question), auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as error:
            log.warning("message %s: cannot start a thread (%s); replying in the channel", message.id, error.status)
            return None

    async def _apologize(self, message: discord.Message, question: str) -> None:
        fallback = language_of_locale(message.guild.preferred_locale.value) if message.guild else None
        text = self._bot.chat.apology(self._bot.chat.language(question, fallback), message.id)
        try:
            await message.reply(
                embed=render.to_embed(render.notice_embed(text, colour=render.COLOURS["error"])),
                mention_author=False,
            )
        except discord.HTTPException as failure:
            log.warning("message %s: could not send the apology (%s)", message.id, failure.status)
