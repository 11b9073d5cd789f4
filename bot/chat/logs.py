"""Logging for every long-running command: one line per record, plain or JSON, and no secret ever printed.

:class:`RedactSecrets` sits on the handler, so it sees every record whoever logs it (discord.py, slack-bolt,
aiohttp, ours). It replaces each configured secret with ``[redacted]`` in the final message, in the
formatted traceback (``log.exception`` or ``exc_info=``: an exception's text and its frames' locals can
hold a token) and in ``stack_info``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary words


def secret_parts(value: str) -> list[str]:
    """``value`` and, for a URL with credentials (``redis://:pw@host``), its password on its own."""
    parts = [value]
    if "://" in value:
        try:
            password = urlsplit(value).password
        except ValueError:
            password = None
        if password:
            parts.append(password)
    return parts


class RedactSecrets(logging.Filter):
    """A handler filter that removes the given secret values from every record it passes."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        values = {part for secret in secrets for part in secret_parts(secret) if len(part) >= MIN_SECRET_LENGTH}
        self._secrets = sorted(values, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
            record.exc_info = None  # formatters must use the cleaned text, never format the exception again
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True

    def clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, secrets: Iterable[str], *, json_lines: bool = False) -> None:
    """Log to stderr at ``level`` through one handler that redacts ``secrets``; JSON lines on request."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(PLAIN_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
