"""`vrambot discord`: run the bot; `vrambot discord --dump-commands`: print the command payload;
`vrambot discord sync [--guild ID]`: register the commands with Discord (explicitly, not on every start).

The catalog is validated before the bot connects (by `vrambot` itself), and it stops gracefully on SIGTERM or SIGINT
(:mod:`bot.chat.lifecycle`). ``--shard-ids 0,1 --shard-count 4`` runs some shards in this process, so that
shards can run in separate processes sharing Redis (``VRAMBOT_REDIS_URL``).

Operator messages (a missing or rejected token, an unreachable server) are one line in the language of
``LANG``, with exit status 2 for a missing or invalid setting and 1 for a failure to connect.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any, NoReturn

import click
from pydantic import ValidationError

from bot.chat.settings import variable_name
from bot.discord_bot.messages import t
from bot.discord_bot.settings import DiscordSettings
from knowledge.i18n import Language, language_of_locale


def _lang() -> Language:
    return language_of_locale(os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG"))


def _fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def load_settings() -> DiscordSettings:
    try:
        return DiscordSettings()
    except ValidationError as error:
        first = error.errors()[0]
        name = variable_name("DISCORD_", first["loc"])
        _fail(t(_lang(), "cli.invalid_settings", name=name, problem=first["msg"]), 2)


def _token(settings: DiscordSettings) -> str:
    token = settings.token_value()
    if token is None:
        _fail(t(_lang(), "cli.token_missing"), 2)
    return token


async def command_payload() -> list[dict[str, Any]]:
    """The JSON that `sync` sends: every command with its Spanish localizations."""
    from bot.discord_bot.client import VramBot
    from bot.discord_bot.translator import PoTranslator

    bot = VramBot(DiscordSettings(token=None))
    translator = PoTranslator()
    return [await command.get_translated_payload(bot.tree, translator) for command in bot.tree.get_commands()]


def _run_reporting_failures(coroutine: Any, settings: DiscordSettings) -> None:
    import aiohttp
    import discord

    lang = _lang()
    try:
        asyncio.run(coroutine)
    except discord.LoginFailure:
        _fail(t(lang, "cli.token_rejected"), 1)
    except discord.PrivilegedIntentsRequired:
        _fail(t(lang, "cli.intent_missing"), 1)
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as error:
        _fail(t(lang, "cli.unreachable", url=settings.api_url, reason=type(error).__name__), 1)


def _shard_ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        ids = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise click.BadParameter("a comma-separated list of shard numbers, e.g. 0,1") from None
    if not ids or ids[0] < 0:
        raise click.BadParameter("a comma-separated list of shard numbers, e.g. 0,1")
    return ids


@click.group(name="discord", invoke_without_command=True)
@click.option("--dump-commands", is_flag=True, help="Print the slash-command JSON that `sync` sends, and exit.")
@click.option("--shard-ids", default=None, help="Run only these shards (e.g. 0,1); needs --shard-count.")
@click.option("--shard-count", type=click.IntRange(1), default=None, help="The total number of shards.")
@click.pass_context
def discord_group(ctx: click.Context, dump_commands: bool, shard_ids: str | None, shard_count: int | None) -> None:
    """Run the Discord bot (needs DISCORD_TOKEN; settings from the environment or .env)."""
    if ctx.invoked_subcommand is not None:
        return
    if dump_commands:
        click.echo(json.dumps(asyncio.run(command_payload()), ensure_ascii=False, indent=2))
        return
    from bot.chat.lifecycle import Lifecycle, run_until_stopped
    from bot.chat.logs import configure_logging
    from bot.discord_bot import runner

    settings = load_settings()
    ids = _shard_ids(shard_ids)
    if ids is not None or shard_count is not None:
        if ids is None or shard_count is None or ids[-1] >= shard_count:
            _fail(t(_lang(), "cli.invalid_settings", name="--shard-ids/--shard-count", problem="0 <= id < count"), 2)
        settings = settings.model_copy(update={"shard_ids": ids, "shard_count": shard_count})
    token = _token(settings)
    configure_logging(settings.log_level, settings.secrets(), json_lines=settings.log_json)

    async def main(lifecycle: Lifecycle) -> None:
        await runner.run_until_stopped(settings, token, lifecycle)

    _run_reporting_failures(run_until_stopped(Lifecycle(settings.drain_seconds), main), settings)


@discord_group.command(name="sync")
@click.option("--guild", type=int, default=None, help="Sync to this server only (instant; for development).")
def sync(guild: int | None) -> None:
    """Register the slash commands with Discord, globally or in one server."""
    from bot.chat.logs import configure_logging
    from bot.discord_bot.runner import sync_commands

    settings = load_settings()
    token = _token(settings)
    configure_logging(settings.log_level, settings.secrets(), json_lines=settings.log_json)
    lang = _lang()
    counted: list[int] = []

    async def go() -> None:
        counted.append(await sync_commands(settings, token, guild))

    _run_reporting_failures(go(), settings)
    scope = t(lang, "cli.scope_guild", guild=guild) if guild else t(lang, "cli.scope_global")
    click.echo(t(lang, "cli.synced", count=counted[0] if counted else 0, scope=scope))


discord = discord_group  # bot.cli loads the command named like the subcommand
