"""Requests as Slack sends them (slash commands, Events API callbacks, Socket Mode envelopes), signed."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.bot.slack_bot.standin import APP_ID, BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "stand-in-signing-secret-0123456789"
BOT_TOKEN = "xoxb-1111-2222-standintoken"
APP_TOKEN = "xapp-1-A0001-3333-standinapptoken"
USER = "UHUMAN01"
CHANNEL = "CGENERAL1"
DM_CHANNEL = "DDIRECT01"

_ts = itertools.count(1)


def new_ts() -> str:
    return f"{1710000000 + next(_ts)}.{next(_ts):06d}"


def signed_headers(body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack adds to a request: a timestamp and the v0 HMAC-SHA256 signature of the body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def slash_command(text: str, response_url: str, *, channel: str = CHANNEL, trigger_id: str | None = None) -> str:
    """The form body of ``/vram <text>``."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "stand-in",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": USER,
            "user_name": "ana",
            "command": "/vram",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:12]}",
        }
    )


def mention(
    text: str, *, channel: str = CHANNEL, ts: str | None = None, thread_ts: str | None = None
) -> dict[str, Any]:
    """An ``app_mention`` event: ``<@vrambot> text``."""
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": USER,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts or new_ts(),
        "channel": channel,
        "event_ts": ts or new_ts(),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, ts: str | None = None, thread_ts: str | None = None) -> dict[str, Any]:
    """A ``message`` event in a DM with vrambot (``message.im``)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel_type": "im",
        "user": USER,
        "text": text,
        "ts": ts or new_ts(),
        "channel": DM_CHANNEL,
        "event_ts": ts or new_ts(),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around ``event``."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        "is_ext_shared_channel": False,
    }


def socket_envelope(body: dict[str, Any]) -> dict[str, Any]:
    """A Socket Mode ``events_api`` envelope carrying an event callback."""
    return {
        "envelope_id": str(uuid.uuid4()),
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": body,
    }


def as_json(body: dict[str, Any]) -> str:
    return json.dumps(body)
