"""Discord JSON objects as discord.py 2.7.1 reads them (checked against ``discord.types``).

Pinned to discord.py 2.7: a missing key in a dispatch kills the client task, so every factory here is the
one place to update when the library changes.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]
DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh, time-ordered Discord id."""
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    return str(((now_ms - DISCORD_EPOCH_MS) << 22) | (next(_counter) & 0x3FFFFF))


def timestamp() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: str, username: str, *, bot: bool = False) -> Json:
    return {
        "id": user_id,
        "username": username,
        "global_name": username.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(user_obj: Json) -> Json:
    return {
        "user": user_obj,
        "nick": None,
        "roles": [],
        "joined_at": timestamp(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "permissions": "2248473465835073",
    }


def text_channel(channel_id: str, guild_id: str, name: str) -> Json:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def thread_channel(thread_id: str, guild_id: str, parent_id: str, owner_id: str, name: str) -> Json:
    return {
        "id": thread_id,
        "type": 11,  # public thread
        "guild_id": guild_id,
        "parent_id": parent_id,
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": timestamp(),
            "locked": False,
            "create_timestamp": timestamp(),
        },
    }


def dm_channel(channel_id: str, recipient: Json) -> Json:
    return {"id": channel_id, "type": 1, "recipients": [recipient], "last_message_id": None}


def guild(guild_id: str, name: str, channels: list[Json], members: list[Json], threads: list[Json]) -> Json:
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "owner_id": members[0]["user"]["id"] if members else guild_id,
        "member_count": len(members),
        "large": False,
        "unavailable": False,
        "features": [],
        "roles": [
            {
                "id": guild_id,  # @everyone has the guild's id
                "name": "@everyone",
                "permissions": "2248473465835073",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "channels": channels,
        "threads": threads,
        "members": members,
        "voice_states": [],
        "presences": [],
        "emojis": [],
        "stickers": [],
        "preferred_locale": "en-US",
        "joined_at": timestamp(),
    }


def message(
    message_id: str,
    channel_id: str,
    author: Json,
    content: str,
    *,
    guild_id: str | None = None,
    mentions: list[Json] | None = None,
    embeds: list[Json] | None = None,
    flags: int = 0,
    reference: Json | None = None,
) -> Json:
    data: Json = {
        "id": message_id,
        "channel_id": channel_id,
        "author": author,
        "content": content,
        "timestamp": timestamp(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": flags,
        "components": [],
    }
    if reference:
        data["message_reference"] = reference
    if guild_id is not None:
        data["guild_id"] = guild_id
        data["member"] = {k: v for k, v in member(author).items() if k != "user"}
    return data


def application(app_id: str, owner: Json) -> Json:
    return {
        "id": app_id,
        "name": "vrambot",
        "description": "Can my GPU run this model?",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
        "summary": "",
        "rpc_origins": [],
        "interactions_endpoint_url": None,
    }


def interaction(
    interaction_id: str,
    app_id: str,
    token: str,
    *,
    kind: int,
    data: Json,
    user_obj: Json,
    locale: str,
    guild_id: str | None,
    channel: Json,
) -> Json:
    payload: Json = {
        "id": interaction_id,
        "application_id": app_id,
        "type": kind,  # 2 application command, 4 autocomplete
        "token": token,
        "version": 1,
        "attachment_size_limit": 10 * 1024 * 1024,
        "channel_id": channel["id"],
        "channel": channel,
        "locale": locale,
        "app_permissions": "2248473465835073",
        "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id or user_obj["id"]},
        "context": 0 if guild_id else 1,
        "data": data,
    }
    if guild_id is not None:
        payload["guild_id"] = guild_id
        payload["guild_locale"] = "en-US"
        payload["member"] = member(user_obj)
    else:
        payload["user"] = user_obj
    return payload
