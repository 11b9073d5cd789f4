"""The bot: a discord.py client (sharded or not) with the slash commands, the mention handler, the
cooldown, the conversation memory and the readiness the health endpoint reports.

Every reply goes out with ``AllowedMentions.none()``: the bot never pings anyone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.chat.commands import Command
from bot.chat.core import Chat, make_state
from bot.chat.language import apology
from bot.chat.lifecycle import Lifecycle
from bot.discord_bot import render
from bot.discord_bot.commands import ask_memory_key, build_commands
from bot.discord_bot.mentions import MentionHandler
from bot.discord_bot.settings import DiscordSettings
from knowledge.i18n import Language, language_of_locale

log = logging.getLogger("vrambot.discord")


def build_intents(settings: DiscordSettings) -> discord.Intents:
    """Guilds (threads), guild and DM messages; Message Content only when the setting asks for it.

    Mentions and DMs carry their text without the privileged Message Content intent.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content
    return intents


def build_client(settings: DiscordSettings) -> discord.Client:
    options: dict[str, Any] = {
        "intents": build_intents(settings),
        "allowed_mentions": discord.AllowedMentions.none(),
        "guild_ready_timeout": settings.guild_ready_timeout,
    }
    if settings.shard_ids is not None:  # this process runs some of the shards; others run elsewhere
        return discord.AutoShardedClient(shard_count=settings.shard_count, shard_ids=settings.shard_ids, **options)
    if settings.sharded:
        return discord.AutoShardedClient(shard_count=settings.shard_count, **options)
    return discord.Client(**options)


def interaction_language(interaction: discord.Interaction) -> Language:
    return language_of_locale(interaction.locale.value)


class VramTree(app_commands.CommandTree[discord.Client]):
    """The command tree; any error in a command is logged with the interaction id and apologized for."""

    chat: Chat | None = None

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        name = interaction.command.name if interaction.command else "?"
        log.error(
            "interaction %s (/%s) failed: %s: %s",
            interaction.id,
            name,
            type(original).__name__,
            original,
            exc_info=original,
        )
        lang = interaction_language(interaction)
        text = self.chat.apology(lang, interaction.id) if self.chat else apology(lang, interaction.id)
        embed = render.to_embed(render.notice_embed(text, colour=render.COLOURS["error"]))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(embed=embed, ephemeral=True)
            else:
                await interaction.response.send_message(embed=embed, ephemeral=True)
        except discord.HTTPException as failure:
            log.warning("interaction %s: could not send the apology (%s)", interaction.id, failure.status)


class VramBot:
    """The Discord adapter, ready to ``start``; every dependency comes from ``settings``."""

    def __init__(
        self, settings: DiscordSettings, *, chat: Chat | None = None, lifecycle: Lifecycle | None = None
    ) -> None:
        self.settings = settings
        self.chat = chat or Chat(
            make_state(settings), platform="discord", lifecycle=lifecycle or Lifecycle(settings.drain_seconds)
        )
        self.client = build_client(settings)
        self.tree = VramTree(self.client)
        self.tree.chat = self.chat
        for command in build_commands(self):
            self.tree.add_command(command)
        self.mentions = MentionHandler(self)
        self._gateway_up = False
        self.health_port: int | None = None  # set while the health endpoint runs
        self.client.event(self.on_ready)
        self.client.event(self.on_resumed)
        self.client.event(self.on_disconnect)
        self.client.event(self.on_message)

    # Readiness, for the health endpoint.

    async def on_ready(self) -> None:
        self._gateway_up = True
        user = self.client.user
        log.info("connected as %s (%s) to %d servers", user, user.id if user else "?", len(self.client.guilds))

    async def on_resumed(self) -> None:
        self._gateway_up = True

    async def on_disconnect(self) -> None:
        self._gateway_up = False

    def is_ready(self) -> bool:
        """True only while the gateway connection is up and READY."""
        return self._gateway_up and self.client.is_ready() and not self.client.is_closed()

    async def on_message(self, message: discord.Message) -> None:
        await self.mentions.handle(message)

    # Slash-command replies.

    async def cooldown_notice(self, user_id: int, lang: Language | Callable[[], Language]) -> str | None:
        """The polite cooldown message when ``user_id`` asks too fast, else None (and the question counts)."""
        return await self.chat.cooldown(f"discord:{user_id}", lang)

    async def run_command(self, interaction: discord.Interaction, command: Command, values: dict[str, object]) -> None:
        """Answer a slash command within Discord's 3 seconds: directly when the answer is ready in
        ``defer_after`` seconds, else defer first. Usage errors are ephemeral."""
        self.chat.lifecycle.track()
        started = time.perf_counter()
        lang = interaction_language(interaction)
        notice = self.chat.stopping_notice(lang) if not self.chat.accepting else None
        notice = notice or await self.cooldown_notice(interaction.user.id, lang)
        if notice is not None:
            await interaction.response.send_message(embed=render.to_embed(render.notice_embed(notice)), ephemeral=True)
            return
        remember = ask_memory_key(interaction) if command.intent is None else None
        if remember is not None:
            previous = await self.chat.previous(remember)
            work = asyncio.ensure_future(self.chat.ask(str(values["question"]), previous, fallback=lang))
        else:
            work = asyncio.ensure_future(self.chat.run(command, values, lang))
        done, _pending = await asyncio.wait({work}, timeout=self.settings.defer_after)
        deferred = not done
        if deferred:
            await interaction.response.defer(thinking=True)
        answer = await work
        embed_dict = render.help_embed(answer) if command.layout == "help" else render.answer_embed(answer)
        embed = render.to_embed(embed_dict)
        usage_error = answer.error is not None
        if not deferred:
            await interaction.response.send_message(embed=embed, ephemeral=usage_error)
        elif usage_error:  # a deferred reply is public; replace it with an ephemeral one
            await interaction.delete_original_response()
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.edit_original_response(embed=embed)
        self.chat.answered(answer)
        await self.chat.remember(remember, answer)
        log.info(
            "interaction %s answered (%s%s) in %.0f ms",
            interaction.id,
            answer.error or answer.intent,
            ", deferred" if deferred else "",
            (time.perf_counter() - started) * 1000,
        )

    async def start(self, token: str) -> None:
        """Log in and run until closed."""
        await self.client.start(token)
