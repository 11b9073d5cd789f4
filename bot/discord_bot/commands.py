"""Discord's slash commands, generated from the chat core's command table (:mod:`bot.chat.commands`).

Each table entry becomes an ``app_commands.Command`` whose options, types, ranges, choices and
autocomplete follow the option kinds; its callback hands the option values to the responder, which
enforces the cooldown, the 3-second deadline and the ephemeral rule. Names, descriptions and choices
are localizable strings (English here, Spanish through :class:`PoTranslator`).
"""

from __future__ import annotations

import inspect
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.app_commands import Choice

from bot.chat.commands import COMMANDS, MAX_CONTEXT, PRECISION_CHOICES, TASK_CHOICES, Command, Option
from bot.discord_bot import limits
from bot.discord_bot.translator import localized
from knowledge import load_catalog
from knowledge.i18n import Language, language_of_locale, number

PRECISIONS = PRECISION_CHOICES


class Responder(Protocol):
    async def run_command(self, interaction: discord.Interaction, command: Command, values: dict[str, object]) -> None:
        """Answer ``command`` with the option values the user gave."""


def task_choices() -> list[Choice[str]]:
    return [Choice(name=localized(f"choice.task.{task}"), value=task) for task in TASK_CHOICES]


def precision_choices() -> list[Choice[str]]:
    return [Choice(name=name, value=name) for name in PRECISIONS]


def _choice(name: str, value: str) -> Choice[str]:
    return Choice(
        name=limits.truncate(limits.one_line(name), limits.CHOICE_NAME),
        value=value[: limits.CHOICE_VALUE],
    )


def model_choices(current: str, lang: Language = "en") -> list[Choice[str]]:
    """Catalog models for a partial name: fuzzy, at most 25, each name within 100 characters."""
    models = load_catalog().model_choices(current, limit=limits.AUTOCOMPLETE_CHOICES)
    return [_choice(f"{m.name} · {number(m.params_b, lang)}B", m.id) for m in models][: limits.AUTOCOMPLETE_CHOICES]


def gpu_choices(current: str, lang: Language = "en") -> list[Choice[str]]:
    """Catalog GPUs for a partial name: fuzzy, at most 25, each name within 100 characters."""
    gpus = load_catalog().gpu_choices(current, limit=limits.AUTOCOMPLETE_CHOICES)
    return [_choice(f"{g.name} · {number(g.memory_gib, lang)} GiB", g.id) for g in gpus][: limits.AUTOCOMPLETE_CHOICES]


def _lang(interaction: discord.Interaction) -> Language:
    return language_of_locale(interaction.locale.value)


async def _models(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    return model_choices(current, _lang(interaction))


async def _gpus(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
    return gpu_choices(current, _lang(interaction))


def ask_memory_key(interaction: discord.Interaction) -> str:
    """/ask remembers per thread, or per user and channel elsewhere."""
    if isinstance(interaction.channel, discord.Thread):
        return f"discord:thread:{interaction.channel.id}"
    return f"discord:ask:{interaction.channel_id}:{interaction.user.id}"


_ANNOTATIONS: dict[str, Any] = {
    "text": app_commands.Range[str, 1, 4000],
    "model": app_commands.Range[str, 1, 200],
    "gpu": app_commands.Range[str, 1, 200],
    "task": str,
    "precision": str,
    "context": app_commands.Range[int, 1, MAX_CONTEXT],
}


def _parameter(option: Option) -> inspect.Parameter:
    annotation = _ANNOTATIONS[option.kind]
    if option.required:
        return inspect.Parameter(option.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)
    return inspect.Parameter(
        option.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation | None, default=None
    )


def slash_command(bot: Responder, command: Command) -> app_commands.Command[Any, ..., None]:
    """The slash command of one table entry, bound to ``bot``."""

    async def callback(interaction: discord.Interaction, **values: object) -> None:
        await bot.run_command(interaction, command, values)

    callback.__name__ = callback.__qualname__ = f"{command.name}_command"
    first = inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)
    callback.__signature__ = inspect.Signature([first, *(_parameter(option) for option in command.options)])  # type: ignore[attr-defined]
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=localized(f"cmd.{command.name}.name"),
        description=localized(f"cmd.{command.name}.description"),
        callback=callback,
    )
    if command.options:
        slash = app_commands.rename(**{o.name: localized(f"opt.{o.key}.name") for o in command.options})(slash)
        slash = app_commands.describe(**{o.name: localized(f"opt.{o.key}.description") for o in command.options})(slash)
    choices = {
        o.name: task_choices() if o.kind == "task" else precision_choices()
        for o in command.options
        if o.kind in ("task", "precision")
    }
    if choices:
        slash = app_commands.choices(**choices)(slash)
    completers = {
        o.name: _models if o.kind == "model" else _gpus for o in command.options if o.kind in ("model", "gpu")
    }
    if completers:
        slash = app_commands.autocomplete(**completers)(slash)
    return slash


def build_commands(bot: Responder) -> list[app_commands.Command[Any, ..., None]]:
    """Every command of the table, bound to ``bot``."""
    return [slash_command(bot, command) for command in COMMANDS]
