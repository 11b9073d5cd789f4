"""The slash commands (/ask, /fit, /vram, /gpu, /model, /help) and their autocomplete.

Each command turns its options into one call of the domain and hands the answer to the responder,
which enforces the cooldown, the 3-second deadline and the ephemeral rule. Names, descriptions and
choices are localizable strings (English here, Spanish through :class:`PoTranslator`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

import discord
from discord import app_commands
from discord.app_commands import Choice

from bot.discord_bot import domain, limits
from bot.discord_bot.translator import localized
from knowledge.answer_model import Answer
from knowledge.estimator.catalog import load_catalog
from knowledge.estimator.job import TASKS, Task
from knowledge.i18n import Language, language_of_locale, number

Produce = Callable[[Language], Answer]
Layout = Literal["answer", "help"]

# The precisions offered as choices (Discord allows 25); any other name can be asked through /ask.
PRECISIONS: tuple[str, ...] = (
    "fp32", "fp16", "bf16", "fp8", "int8", "nf4", "gptq", "awq",
    "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k", "iq4_xs",
)  # fmt: skip
MAX_CONTEXT = 10_000_000


class Responder(Protocol):
    async def respond(
        self,
        interaction: discord.Interaction,
        produce: Produce,
        *,
        layout: Layout = "answer",
        remember: str | None = None,
    ) -> None: ...

    def previous(self, key: str) -> Answer | None: ...


def task_choices() -> list[Choice[str]]:
    return [Choice(name=localized(f"choice.task.{task}"), value=task) for task in TASKS]


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
        return f"thread:{interaction.channel.id}"
    return f"ask:{interaction.channel_id}:{interaction.user.id}"


def build_commands(bot: Responder) -> list[app_commands.Command[Any, ..., None]]:
    """The slash commands, bound to ``bot``."""

    @app_commands.command(name=localized("cmd.ask.name"), description=localized("cmd.ask.description"))
    @app_commands.rename(question=localized("opt.question.name"))
    @app_commands.describe(question=localized("opt.question.description"))
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 4000]) -> None:
        key = ask_memory_key(interaction)
        previous = bot.previous(key)
        await bot.respond(interaction, lambda lang: domain.ask(question, previous, lang), remember=key)

    @app_commands.command(name=localized("cmd.fit.name"), description=localized("cmd.fit.description"))
    @app_commands.rename(
        model=localized("opt.model.name"),
        gpu=localized("opt.gpu.name"),
        task=localized("opt.task.name"),
        precision=localized("opt.precision.name"),
        context=localized("opt.context.name"),
    )
    @app_commands.describe(
        model=localized("opt.model.description"),
        gpu=localized("opt.gpu.description"),
        task=localized("opt.task.description"),
        precision=localized("opt.precision.description"),
        context=localized("opt.context.description"),
    )
    @app_commands.choices(task=task_choices(), precision=precision_choices())
    @app_commands.autocomplete(model=_models, gpu=_gpus)
    async def fit(
        interaction: discord.Interaction,
        model: app_commands.Range[str, 1, 200],
        gpu: app_commands.Range[str, 1, 200],
        task: str = "inference",
        precision: str | None = None,
        context: app_commands.Range[int, 1, MAX_CONTEXT] | None = None,
    ) -> None:
        chosen: Task = _task(task)
        await bot.respond(
            interaction,
            lambda lang: domain.run_query(
                "fit", lang, "fit", model=model, gpu=gpu, task=chosen, precision=precision, context=context
            ),
        )

    @app_commands.command(name=localized("cmd.vram.name"), description=localized("cmd.vram.description"))
    @app_commands.rename(
        model=localized("opt.model.name"),
        task=localized("opt.task.name"),
        precision=localized("opt.precision.name"),
        context=localized("opt.context.name"),
    )
    @app_commands.describe(
        model=localized("opt.model.description"),
        task=localized("opt.task.description"),
        precision=localized("opt.precision.description"),
        context=localized("opt.context.description"),
    )
    @app_commands.choices(task=task_choices(), precision=precision_choices())
    @app_commands.autocomplete(model=_models)
    async def vram(
        interaction: discord.Interaction,
        model: app_commands.Range[str, 1, 200],
        task: str = "inference",
        precision: str | None = None,
        context: app_commands.Range[int, 1, MAX_CONTEXT] | None = None,
    ) -> None:
        chosen: Task = _task(task)
        await bot.respond(
            interaction,
            lambda lang: domain.run_query(
                "requirements", lang, "vram", model=model, task=chosen, precision=precision, context=context
            ),
        )

    @app_commands.command(name=localized("cmd.gpu.name"), description=localized("cmd.gpu.description"))
    @app_commands.rename(name=localized("opt.gpu_name.name"))
    @app_commands.describe(name=localized("opt.gpu_name.description"))
    @app_commands.autocomplete(name=_gpus)
    async def gpu(interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]) -> None:
        await bot.respond(interaction, lambda lang: domain.run_query("gpu_info", lang, "gpu", gpu=name))

    @app_commands.command(name=localized("cmd.model.name"), description=localized("cmd.model.description"))
    @app_commands.rename(name=localized("opt.model_name.name"))
    @app_commands.describe(name=localized("opt.model_name.description"))
    @app_commands.autocomplete(name=_models)
    async def model(interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]) -> None:
        await bot.respond(interaction, lambda lang: domain.run_query("model_info", lang, "model", model=name))

    @app_commands.command(name=localized("cmd.help.name"), description=localized("cmd.help.description"))
    async def help_(interaction: discord.Interaction) -> None:
        await bot.respond(interaction, lambda lang: domain.run_query("help", lang, "help"), layout="help")

    return [ask, fit, vram, gpu, model, help_]


def _task(value: str) -> Task:
    for task in TASKS:
        if task == value:
            return task
    return "inference"
