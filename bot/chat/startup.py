"""What every long-running command does before it connects or listens: load and validate the catalog.

A broken catalog (a YAML error, a bad value, a duplicate alias) must stop the bot at start with one line
naming the problem, not pass the health check and then answer every question "something went wrong".
"""

from __future__ import annotations

import logging

from bot.chat.language import t
from knowledge.i18n import Language

log = logging.getLogger("vrambot.chat")


def catalog_problem(lang: Language) -> str | None:
    """None when the catalog loads and validates; else one line saying what is wrong, in ``lang``."""
    from knowledge import load_catalog

    try:
        load_catalog()
    except Exception as error:  # any failure to load is a reason not to start; the line names it
        problem = " ".join(str(error).split()) or type(error).__name__
        return t(lang, "chat.catalog_invalid", problem=problem)
    return None
