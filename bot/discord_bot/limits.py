"""Discord's size limits on messages, embeds, autocomplete and threads, and graceful truncation to them.

Discord rejects an oversize message with 400 / 50035 and discord.py checks nothing, so every text the bot
sends is cut here first (developers/resources/message.mdx, developers/interactions/*).
"""

from __future__ import annotations

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
EMBED_TOTAL = 6000  # title + description + field names and values + footer + author, all embeds together
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
THREAD_NAME = 100
ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary when one is near, ending in "…"."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" \n,;:.-") + ELLIPSIS


def one_line(text: str) -> str:
    """``text`` on one line (thread names and choice names cannot hold line breaks)."""
    return " ".join(text.split())
