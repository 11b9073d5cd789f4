"""An :class:`~knowledge.answer_model.Answer` laid out as a Discord embed, always within Discord's limits.

Pure functions over plain dicts (the JSON Discord receives); :func:`to_embed` wraps one for discord.py.
The colour tells the verdict; the fields carry the breakdown; the footer the assumptions; the title links
to the model's or GPU's row on the site.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_bot import limits
from bot.discord_bot.messages import t
from knowledge.answer_model import Answer
from knowledge.i18n import Language

EmbedDict = dict[str, Any]

COLOURS: dict[str, int] = {
    "yes": 0x2ECC71,  # green: fits as asked
    "with_changes": 0xF1C40F,  # amber: fits with the cheapest change
    "no": 0xE74C3C,  # red: nothing reasonable fits
    "error": 0xE74C3C,
    "info": 0x5865F2,  # blurple: no verdict (requirements, info, help)
}


def escape(text: str) -> str:
    """Text that may echo what a user typed, safe to show: markdown (masked links, code blocks, emphasis,
    quotes, spoilers) and mentions (``@everyone``, ``<@id>``) escaped, so it shows as typed and pings no one."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def colour_of(answer: Answer) -> int:
    if answer.error is not None:
        return COLOURS["error"]
    return COLOURS[answer.verdict] if answer.verdict else COLOURS["info"]


def _field(name: str, value: str, *, inline: bool, ours: bool = False) -> EmbedDict:
    """A field; its text escaped unless it is the adapter's own (``ours``: labels, the command list)."""
    value = value.strip() if ours else escape(value.strip())
    return {
        "name": limits.truncate(name.strip() or "\u200b", limits.FIELD_NAME),
        "value": limits.truncate(value or "\u200b", limits.FIELD_VALUE),
        "inline": inline,
    }


def _lines_field(name: str, lines: list[str]) -> EmbedDict:
    """A field listing ``lines``; lines that would overflow the value are dropped, not cut mid-line."""
    kept: list[str] = []
    size = 0
    for line in (escape(line) for line in lines):
        extra = len(line) + (1 if kept else 0)
        if size + extra > limits.FIELD_VALUE - 2:
            kept.append(limits.ELLIPSIS)
            break
        kept.append(line)
        size += extra
    return _field(name, "\n".join(kept), inline=False, ours=True)


def embed_size(embed: EmbedDict) -> int:
    """The characters Discord counts against the 6,000 total (as ``len(discord.Embed)`` does)."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    for field in embed.get("fields", []):
        size += len(field["name"]) + len(field["value"])
    return size


def _fit_total(embed: EmbedDict, budget: int) -> EmbedDict:
    """Shrink ``embed`` to ``budget`` characters: drop trailing fields, then shorten the description,
    then the footer, then drop the last field."""
    fields: list[EmbedDict] = embed.get("fields", [])
    while embed_size(embed) > budget and len(fields) > 1:
        fields.pop()
    for key in ("description", "footer"):
        over = embed_size(embed) - budget
        if over <= 0:
            break
        holder = embed.get("footer", {}) if key == "footer" else embed
        text = holder.get("text" if key == "footer" else "description", "")
        shorter = limits.truncate(text, len(text) - over)
        if shorter:
            holder["text" if key == "footer" else "description"] = shorter
        else:
            embed.pop(key, None)
    if embed_size(embed) > budget:
        embed.pop("fields", None)
    return embed


def _body(answer: Answer) -> str:
    """The answer's detail lines (the title, the assumptions and the link have their own places)."""
    return escape("\n".join(answer.lines).strip())


def answer_embed(answer: Answer, *, budget: int = limits.EMBED_TOTAL) -> EmbedDict:
    """The embed of an answer: verdict colour, breakdown fields, suggestion, assumptions and link."""
    lang: Language = answer.language
    headline = escape(limits.one_line(answer.title))
    if answer.error is not None:  # the message itself goes in the description, whole
        title, description = t(lang, "reply.usage_title"), headline
    else:
        title = limits.truncate(headline, limits.EMBED_TITLE) or "vrambot"
        description = _body(answer) if title == headline else f"{headline}\n{_body(answer)}".strip()
    embed: EmbedDict = {"type": "rich", "title": title, "color": colour_of(answer)}
    if description:
        embed["description"] = limits.truncate(description, limits.EMBED_DESCRIPTION)
    if answer.url:
        embed["url"] = answer.url
    fields = [_field(f.name, f.value, inline=True) for f in answer.fields]
    if answer.suggestion and not any(answer.suggestion.strip() in line for line in answer.lines):
        fields.append(_field(t(lang, "label.suggestion"), answer.suggestion, inline=False))
    if answer.recommendations and not all(escape(r.text) in description for r in answer.recommendations):
        fields.append(_lines_field(t(lang, "label.options"), [r.text for r in answer.recommendations]))
    if fields:
        embed["fields"] = fields[: limits.EMBED_FIELDS]
    if answer.assumptions.strip():
        footer = t(lang, "label.assumptions", assumptions=limits.one_line(answer.assumptions))
        embed["footer"] = {"text": limits.truncate(footer, limits.FOOTER_TEXT)}
    return _fit_total(embed, budget)


def help_embed(answer: Answer) -> EmbedDict:
    """The /help embed: the knowledge package's examples plus the slash commands of this adapter."""
    embed = answer_embed(answer, budget=limits.EMBED_TOTAL - limits.FIELD_VALUE - limits.FIELD_NAME)
    fields: list[EmbedDict] = embed.setdefault("fields", [])
    if len(fields) >= limits.EMBED_FIELDS:
        fields.pop()
    commands = t(answer.language, "help.commands")
    fields.insert(0, _field(t(answer.language, "label.commands"), commands, inline=False, ours=True))
    return embed


def notice_embed(text: str, *, colour: int = COLOURS["info"]) -> EmbedDict:
    """A one-paragraph embed for the adapter's own notices (cooldown, apology)."""
    return {"type": "rich", "description": limits.truncate(text, limits.EMBED_DESCRIPTION), "color": colour}


def content(text: str) -> str:
    """Plain message content within 2,000 characters."""
    return limits.truncate(text, limits.CONTENT)


def to_embed(embed: EmbedDict) -> discord.Embed:
    return discord.Embed.from_dict(embed)
