"""The command table, declared once: Discord's slash commands and Slack's ``/vram`` sub-commands come from it.

Each :class:`Command` names its intent and options; labels and descriptions are message ids of
``chat.po`` (``cmd.<name>.name``, ``opt.<key>.name``, ``choice.task.<task>``), in English and Spanish.
:func:`to_query` turns a command and its option values into the ``knowledge`` query it asks, whatever the
platform. :func:`parse_text` reads a text command (``fit model:llama-2-7b gpu:rtx-4060 task:qlora``, or the
Spanish names: ``cabe modelo:… gpu:…``) for platforms whose commands carry one line of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.chat.language import t
from knowledge import Query
from knowledge.i18n import LANGUAGES, Language

OptionKind = Literal["text", "model", "gpu", "task", "precision", "context"]
Layout = Literal["answer", "help"]
TASK_CHOICES = ("inference", "full_finetune", "pretrain", "lora", "qlora")
# The precisions offered as choices (Discord allows 25); any other name can be asked in free text.
PRECISION_CHOICES: tuple[str, ...] = (
    "fp32", "fp16", "bf16", "fp8", "int8", "nf4", "gptq", "awq",
    "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k", "iq4_xs",
)  # fmt: skip
MAX_CONTEXT = 10_000_000
MAX_NAME = 200
MAX_QUESTION = 4000


@dataclass(frozen=True)
class Option:
    """One option: its id, its message key (``opt.<key>.*``), what it holds, and the query field it fills."""

    name: str
    key: str
    kind: OptionKind
    field: str  # the Query field
    required: bool = False

    @property
    def max_length(self) -> int:
        return MAX_QUESTION if self.kind == "text" else MAX_NAME


@dataclass(frozen=True)
class Command:
    """One command: free text (``ask``) when ``intent`` is None, else a query with that intent."""

    name: str
    intent: str | None
    options: tuple[Option, ...] = ()
    layout: Layout = "answer"


QUESTION = Option("question", "question", "text", "text", required=True)
MODEL = Option("model", "model", "model", "model", required=True)
GPU = Option("gpu", "gpu", "gpu", "gpu", required=True)
TASK = Option("task", "task", "task", "task")
PRECISION = Option("precision", "precision", "precision", "precision")
CONTEXT = Option("context", "context", "context", "context_tokens")

COMMANDS: tuple[Command, ...] = (
    Command("ask", None, (QUESTION,)),
    Command("fit", "fit", (MODEL, GPU, TASK, PRECISION, CONTEXT)),
    Command("vram", "requirements", (MODEL, TASK, PRECISION, CONTEXT)),
    Command("gpu", "gpu_info", (Option("name", "gpu_name", "gpu", "gpu", required=True),)),
    Command("model", "model_info", (Option("name", "model_name", "model", "model", required=True),)),
    Command("help", "help", layout="help"),
)
BY_NAME = {command.name: command for command in COMMANDS}


def label(key: str, lang: Language = "en") -> str:
    return t(lang, key)


def command_text(command: Command, values: dict[str, object]) -> str:
    """The command as the user typed it ("/fit model:llama-2-7b gpu:rtx-4060"), kept as the query's text."""
    parts = [f"/{command.name}"] + [f"{name}:{value}" for name, value in values.items() if value is not None]
    return " ".join(parts)


def to_query(command: Command, values: dict[str, object], lang: Language) -> Query:
    """The ``knowledge`` query a command with these option values asks (``ask`` is answered from text)."""
    if command.intent is None:
        raise ValueError("the ask command is answered from its text, not a query")
    fields: dict[str, object] = {}
    for option in command.options:
        value = values.get(option.name)
        if value is None or value == "":
            continue
        if option.kind == "task" and value not in TASK_CHOICES:
            continue
        fields[option.field] = value
    return Query.model_validate(
        {"text": command_text(command, values), "language": lang, "intent": command.intent, **fields}
    )


def _names(key: str) -> dict[str, Language | None]:
    """A label in every language, lower-cased: ``{"fit": "en", "cabe": "es"}``; None where both say the same
    (``gpu``), which tells no language."""
    names: dict[str, Language | None] = {}
    for lang in LANGUAGES:
        name = t(lang, key).casefold()
        names[name] = lang if name not in names else None
    return names


def parse_text(text: str) -> tuple[Command, dict[str, object], Language | None] | None:
    """A text command: ``<command> [option:value ...]`` in English or Spanish names; None for free text.

    The first word names a command and everything after it is ``option:value`` pairs (a value runs to the
    next option name); ``ask`` takes the rest as the question. Anything else (``gpu for llama 70b?``) is a
    question in the user's own words, which ``knowledge`` understands anyway.
    """
    words = text.strip().split(maxsplit=1)
    if not words:
        return None
    first, rest = words[0].casefold(), words[1] if len(words) > 1 else ""
    for command in COMMANDS:
        names = _names(f"cmd.{command.name}.name")
        if first not in names:
            continue
        lang = names[first]
        if command.name == "ask":
            return (command, {"question": rest}, lang) if rest.strip() else None
        values = _option_values(command, rest)
        if values is None:
            return None
        if any(option.required and option.name not in values for option in command.options):
            return None
        return command, values, lang
    return None


def _option_values(command: Command, rest: str) -> dict[str, object] | None:
    """``model:llama 2 7b gpu:rtx 4060`` -> {"model": "llama 2 7b", "gpu": "rtx 4060"}; None if it is not that."""
    if not rest.strip():
        return {}
    names: dict[str, Option] = {}
    for option in command.options:
        for name in _names(f"opt.{option.key}.name"):
            names[name] = option
    pattern = re.compile(r"(?:^|\s)(" + "|".join(re.escape(name) for name in names) + r"):", re.IGNORECASE)
    marks = list(pattern.finditer(rest)) if names else []
    if not marks or rest[: marks[0].start()].strip():
        return None
    values: dict[str, object] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(rest)
        option = names[mark.group(1).casefold()]
        raw = rest[mark.end() : end].strip()
        value = _value(option, raw)
        if value is None:
            return None
        values[option.name] = value
    return values


def _value(option: Option, raw: str) -> object | None:
    if not raw or len(raw) > option.max_length:
        return None
    if option.kind == "context":
        digits = raw.replace(",", "").replace("_", "")
        return int(digits) if digits.isdigit() and 1 <= int(digits) <= MAX_CONTEXT else None
    if option.kind == "task":
        return raw if raw in TASK_CHOICES else None
    return raw
