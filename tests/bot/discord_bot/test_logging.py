"""The token never reaches a log line."""

from __future__ import annotations

import logging

from bot.discord_bot.runner import RedactToken


def test_token_is_redacted_from_any_record() -> None:
    """Whoever logs the token (a library, an exception message), the line shows [token] instead."""
    record = logging.LogRecord("discord.http", logging.ERROR, __file__, 1, "bad auth %s for %s", ("abc.DEF", "x"), None)
    RedactToken("abc.DEF").filter(record)
    assert record.getMessage() == "bad auth [token] for x"


def test_other_records_are_untouched() -> None:
    """Records without the token keep their arguments."""
    record = logging.LogRecord("vrambot", logging.INFO, __file__, 1, "answered %s", ("fit",), None)
    RedactToken("abc.DEF").filter(record)
    assert record.getMessage() == "answered fit" and record.args == ("fit",)
