"""Lay out an :class:`~knowledge.answer_model.Answer` as a Slack message: Block Kit blocks and a text fallback.

The answer's text is already in the user's language; this module only arranges it, within Slack's
limits (50 blocks; 3,000 characters per section text; 10 fields of 2,000; 150 for a header; 75 for a
button label) and with every piece of text that reaches mrkdwn escaped (``&``, ``<``, ``>``), so that
nothing in a question can ping a channel (``<!channel>``), mention someone or inject a link.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.answer_model import Answer, Recommendation
from knowledge.i18n import Messages

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_URL = 3000
MAX_CONTEXT_TEXT = 3000
MAX_FALLBACK_TEXT = 3000
ELLIPSIS = "…"
OPEN_SITE_ACTION = "vrambot_open_site"

_VERDICT_MARK = {"yes": "✅", "with_changes": "⚠️", "no": "❌"}
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LOCALES = Path(__file__).resolve().parent.parent / "locales"

Block = dict[str, Any]


@functools.cache
def messages() -> Messages:
    """The Slack adapter's own messages (button labels, errors), in English and Spanish."""
    return Messages(_LOCALES, "slack")


@dataclass(frozen=True)
class SlackMessage:
    """What ``chat.postMessage`` or a ``response_url`` receives."""

    text: str  # the plain-text fallback: notifications, screen readers, clients without blocks
    blocks: list[Block] = field(default_factory=list)


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def escape_within(text: str, limit: int) -> str:
    """Escape ``text`` and cut it to at most ``limit`` characters, never inside an ``&amp;``-style entity."""
    if len(text) <= limit and not any(char in _ESCAPES for char in text):
        return text
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    used = 0
    budget = limit - len(ELLIPSIS)
    for char in text:
        piece = _ESCAPES.get(char, char)
        if used + len(piece) > budget:
            break
        pieces.append(piece)
        used += len(piece)
    return "".join(pieces).rstrip() + ELLIPSIS


def plain_within(text: str, limit: int) -> str:
    """Cut plain text (not parsed by Slack) to at most ``limit`` characters."""
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """The URL if it can sit inside ``<url|label>`` and a button; None otherwise."""
    if not url or len(url) > MAX_URL or not url.startswith(("https://", "http://")):
        return None
    if any(char in url for char in "<>| \n\t\"'"):
        return None
    return url


def render(answer: Answer) -> SlackMessage:
    """The Slack message for ``answer``: header, body, breakdown, suggestion, assumptions, site button.

    The body is ``answer.lines`` (what no other block shows: (the title in the header, the
    assumptions line in the context block, the site link in the button); its recommendation lines link
    their names to the site rows.
    """
    url = safe_url(answer.url)
    lines, linked = _body(answer, url_in_button=url is not None)
    blocks: list[Block] = [_header(answer), *_sections(lines)]
    blocks.extend(_fields(answer))
    if answer.suggestion and not any(answer.suggestion.strip() in line for line in answer.lines):
        blocks.extend(_sections([escape_within(f"💡 {answer.suggestion.strip()}", MAX_SECTION_TEXT)]))
    blocks.extend(_sections([_recommendation_line(r) for i, r in enumerate(answer.recommendations) if i not in linked]))
    if answer.assumptions.strip():
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": escape_within(answer.assumptions, MAX_CONTEXT_TEXT)}],
            }
        )
    tail: list[Block] = []
    if url is not None:
        label = plain_within(messages()(answer.language, "button.open_site"), MAX_BUTTON_TEXT)
        tail.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": OPEN_SITE_ACTION,
                        "text": {"type": "plain_text", "text": label, "emoji": True},
                        "url": url,
                    }
                ],
            }
        )
    blocks = blocks[: MAX_BLOCKS - len(tail)] + tail
    return SlackMessage(text=fallback_text(answer), blocks=blocks)


def fallback_text(answer: Answer) -> str:
    """The answer as plain mrkdwn-safe text, for notifications and clients that do not show blocks."""
    whole = "\n".join([answer.title.strip(), *answer.lines]).strip() or "vrambot"
    url = safe_url(answer.url)
    suffix = f"\n{url}" if url else ""
    return escape_within(whole, MAX_FALLBACK_TEXT - len(suffix)) + suffix


def error_message(text: str) -> SlackMessage:
    """A short notice of the chat core's (apology, cooldown), already in the user's language, as one section."""
    return SlackMessage(text=escape_within(text, MAX_FALLBACK_TEXT), blocks=[_section(text)])


def _header(answer: Answer) -> Block:
    mark = _VERDICT_MARK.get(answer.verdict or "", "")
    title = f"{mark} {answer.title}" if mark else answer.title
    return {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": plain_within(title.strip() or "vrambot", MAX_HEADER_TEXT),
            "emoji": True,
        },
    }


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": escape_within(text, MAX_SECTION_TEXT)}}


def _body(answer: Answer, *, url_in_button: bool) -> tuple[list[str], set[int]]:
    """The answer's detail lines as escaped mrkdwn (the title too when the header cannot show it whole, and the
    link when no button shows it); and which recommendations it linked."""
    title = answer.title.strip()
    lines = [line.strip() for line in answer.lines]
    if len(title) >= MAX_HEADER_TEXT - 2:  # the header cuts it: say it whole in the body
        lines.insert(0, title)
    if not url_in_button and answer.url:
        lines.append(answer.url)
    out: list[str] = []
    linked: set[int] = set()
    for line in lines:
        if not line:
            continue
        bare = line.lstrip("•-* ").strip()
        match = next(
            (i for i, rec in enumerate(answer.recommendations) if i not in linked and rec.text.strip() == bare),
            None,
        )
        if match is None:
            out.append(escape_within(line, MAX_SECTION_TEXT))
        else:
            linked.add(match)
            out.append(_recommendation_line(answer.recommendations[match]))
    return out, linked


def _recommendation_line(item: Recommendation) -> str:
    """``• <url|Name> (details)``: the name links to the site row; the rest stays escaped text."""
    url = safe_url(item.url)
    text = item.text.strip()
    if url is None or len(url) > MAX_SECTION_TEXT // 4:
        return "• " + escape_within(text, MAX_SECTION_TEXT // 2)
    if item.name and text.startswith(item.name):
        rest = escape_within(text[len(item.name) :], MAX_SECTION_TEXT // 2)
        return f"• <{url}|{escape_within(item.name, 200)}>{rest}"
    return f"• <{url}|{escape_within(text, MAX_SECTION_TEXT // 2)}>"


def _sections(lines: list[str]) -> list[Block]:
    """Escaped mrkdwn lines packed into as few sections of at most 3,000 characters as they fit."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > MAX_SECTION_TEXT:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": current}})
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": current}})
    return blocks


def _fields(answer: Answer) -> list[Block]:
    """The breakdown as Block Kit fields, ten per section."""
    rendered = [
        {
            "type": "mrkdwn",
            "text": "*" + escape_within(item.name, 200) + "*\n" + escape_within(item.value, MAX_FIELD_TEXT - 210),
        }
        for item in answer.fields
    ]
    return [
        {"type": "section", "fields": rendered[start : start + MAX_FIELDS]}
        for start in range(0, len(rendered), MAX_FIELDS)
    ]
