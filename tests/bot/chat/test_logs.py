"""One log-redaction filter for every platform: no secret in a log line, a traceback or a JSON log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.chat.logs import REDACTED, JsonFormatter, RedactSecrets, configure_logging

TOKEN = "MTIzNDU2Nzg5.discord.token-value"
SECRET = "sign-secret-2"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN, SECRET, "redis://:hunter22@redis:6379/0"]))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _fail_with_token(token: str) -> None:
    headers = {"Authorization": f"Bot {token}"}
    raise RuntimeError(f"401 for request with {headers}")


def test_a_token_in_arguments_or_a_traceback_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    """log.exception with the token in the exception's text (as discord.py's HTTP errors carry it) prints none."""
    logger, stream = captured
    logger.error("token %s in args", TOKEN)
    try:
        _fail_with_token(TOKEN)
    except RuntimeError:
        logger.exception("login failed")
    try:
        _fail_with_token(SECRET)
    except RuntimeError as error:
        logger.error("with exc_info", exc_info=error)
    logger.warning("stack", stack_info=True, extra={})
    printed = stream.getvalue()
    assert TOKEN not in printed and SECRET not in printed
    assert printed.startswith(f"token {REDACTED} in args\nlogin failed\nTraceback")
    assert f"RuntimeError: 401 for request with {{'Authorization': 'Bot {REDACTED}'}}" in printed


def test_a_redis_password_is_redacted_on_its_own(captured: tuple[logging.Logger, io.StringIO]) -> None:
    """A Redis URL's password is a secret even when a library logs it without the URL."""
    logger, stream = captured
    logger.warning("AUTH hunter22 failed")
    assert stream.getvalue() == f"AUTH {REDACTED} failed\n"


def test_records_without_secrets_keep_their_arguments() -> None:
    record = logging.LogRecord("vrambot", logging.INFO, __file__, 1, "answered %s", ("fit",), None)
    RedactSecrets([TOKEN]).filter(record)
    assert record.getMessage() == "answered fit" and record.args == ("fit",)


def test_json_lines_carry_the_redacted_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """VRAMBOT_LOG_JSON: one JSON object per line, level, logger and message; the traceback cleaned."""
    configure_logging("INFO", [TOKEN], json_lines=True)
    root = logging.getLogger()
    try:
        try:
            _fail_with_token(TOKEN)
        except RuntimeError:
            logging.getLogger("vrambot.discord").exception("interaction %s failed", 42)
        lines = capsys.readouterr().err.strip().splitlines()
    finally:
        root.handlers.clear()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR" and entry["logger"] == "vrambot.discord"
    assert entry["message"] == "interaction 42 failed"
    assert entry["traceback"].startswith("Traceback") and TOKEN not in lines[0] and REDACTED in entry["traceback"]
    assert isinstance(JsonFormatter().format(logging.LogRecord("x", 20, "f", 1, "m", None, None)), str)
