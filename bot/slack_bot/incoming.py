"""Read a question out of Slack's message text: drop the bot's mention, undo escaping and link markup."""

from __future__ import annotations

import re

_LINK = re.compile(r"<((?:https?|mailto):[^<>|]*)(?:\|([^<>]*))?>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def question_text(text: str, bot_user_id: str | None = None) -> str:
    """The question as the person typed it: ``<@BOT> can a 4060 run llama?`` -> ``can a 4060 run llama?``."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _LINK.sub(lambda match: match.group(2) or match.group(1), text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return " ".join(text.split())
