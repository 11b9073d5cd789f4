"""Discord's validation rules, as its API applies them: each check returns the errors Discord would report.

Limits: developers/resources/message.mdx (content 2,000; embeds 10; title 256; description 4,096; 25 fields,
name 256, value 1,024; footer 2,048; author 256; 6,000 in total across embeds) and
developers/interactions/application-commands.mdx (names 1-32 lower-case; descriptions 1-100; 25 options,
required first; 25 choices, names 1-100; no autocomplete with choices; 25 autocomplete choices).
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
LOCALES = frozenset(
    ("id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl", "pt-BR",
     "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko")
)  # fmt: skip


def _name_ok(name: object) -> bool:
    """A command or option name: 1-32 characters, letters/digits/-/_, lower-case where the script has case."""
    return (
        isinstance(name, str)
        and 1 <= len(name) <= 32
        and all(ch.isalnum() or ch in "-_" for ch in name)
        and name == name.lower()
    )


def _text_ok(value: object, low: int, high: int) -> bool:
    return isinstance(value, str) and low <= len(value) <= high


def embed_length(embed: Json) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        size += len(field.get("name") or "") + len(field.get("value") or "")
    return size


def message_errors(data: Json, *, require_body: bool = True) -> list[str]:
    """Problems with a message body (create, edit, interaction response data)."""
    errors: list[str] = []
    content = data.get("content")
    embeds = data.get("embeds") or []
    if content is not None and len(content) > 2000:
        errors.append("content: Must be 2000 or fewer in length.")
    if len(embeds) > 10:
        errors.append("embeds: Must be 10 or fewer in length.")
    for index, embed in enumerate(embeds):
        where = f"embeds.{index}"
        if len(embed.get("title") or "") > 256:
            errors.append(f"{where}.title: Must be 256 or fewer in length.")
        if len(embed.get("description") or "") > 4096:
            errors.append(f"{where}.description: Must be 4096 or fewer in length.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.append(f"{where}.fields: Must be 25 or fewer in length.")
        for f_index, field in enumerate(fields):
            if not _text_ok(field.get("name"), 1, 256):
                errors.append(f"{where}.fields.{f_index}.name: Must be between 1 and 256 in length.")
            if not _text_ok(field.get("value"), 1, 1024):
                errors.append(f"{where}.fields.{f_index}.value: Must be between 1 and 1024 in length.")
        footer = embed.get("footer")
        if footer is not None and not _text_ok(footer.get("text"), 1, 2048):
            errors.append(f"{where}.footer.text: Must be between 1 and 2048 in length.")
        if len((embed.get("author") or {}).get("name") or "") > 256:
            errors.append(f"{where}.author.name: Must be 256 or fewer in length.")
        colour = embed.get("color")
        if colour is not None and not (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF):
            errors.append(f"{where}.color: Int value should be between 0 and 16777215.")
    if sum(embed_length(e) for e in embeds) > 6000:
        errors.append("embeds: Embed size exceeds maximum size of 6000")
    if require_body and not (content or embeds):
        errors.append("Cannot send an empty message")
    return errors


def autocomplete_errors(data: Json) -> list[str]:
    choices = data.get("choices")
    if not isinstance(choices, list):
        return ["choices: This field is required"]
    errors = []
    if len(choices) > 25:
        errors.append("choices: Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        if not _text_ok(choice.get("name"), 1, 100):
            errors.append(f"choices.{index}.name: Must be between 1 and 100 in length.")
        value = choice.get("value")
        if isinstance(value, str) and not 1 <= len(value) <= 100:
            errors.append(f"choices.{index}.value: Must be between 1 and 100 in length.")
    return errors


def _localization_errors(where: str, names: object, descriptions: object, *, name_rule: bool) -> list[str]:
    errors: list[str] = []
    for label, table in (("name_localizations", names), ("description_localizations", descriptions)):
        if table is None:
            continue
        if not isinstance(table, dict):
            errors.append(f"{where}.{label}: must be an object")
            continue
        for locale, text in table.items():
            if locale not in LOCALES:
                errors.append(f"{where}.{label}.{locale}: Invalid locale")
            elif label == "name_localizations" and name_rule and not _name_ok(text):
                errors.append(f"{where}.{label}.{locale}: Command name is invalid")
            elif (label == "description_localizations" or not name_rule) and not _text_ok(text, 1, 100):
                errors.append(f"{where}.{label}.{locale}: Must be between 1 and 100 in length.")
    return errors


def command_errors(commands: object) -> list[str]:
    """Problems with a bulk-overwrite payload of chat-input commands."""
    if not isinstance(commands, list):
        return ["body: must be an array"]
    errors: list[str] = []
    if len(commands) > 100:
        errors.append("Must be 100 or fewer in length.")
    names = [c.get("name") for c in commands]
    if len(set(names)) != len(names):
        errors.append("Application command names must be unique")
    for index, command in enumerate(commands):
        where = str(index)
        if not _name_ok(command.get("name")):
            errors.append(f"{where}.name: Command name is invalid")
        if not _text_ok(command.get("description"), 1, 100):
            errors.append(f"{where}.description: Must be between 1 and 100 in length.")
        errors += _localization_errors(
            where, command.get("name_localizations"), command.get("description_localizations"), name_rule=True
        )
        options = command.get("options") or []
        if len(options) > 25:
            errors.append(f"{where}.options: Must be 25 or fewer in length.")
        seen_optional = False
        for o_index, option in enumerate(options):
            at = f"{where}.options.{o_index}"
            if not _name_ok(option.get("name")):
                errors.append(f"{at}.name: Command name is invalid")
            if not _text_ok(option.get("description"), 1, 100):
                errors.append(f"{at}.description: Must be between 1 and 100 in length.")
            if option.get("required"):
                if seen_optional:
                    errors.append(f"{at}: Required options must be placed before non-required options")
            else:
                seen_optional = True
            errors += _localization_errors(
                at, option.get("name_localizations"), option.get("description_localizations"), name_rule=True
            )
            choices = option.get("choices") or []
            if choices and option.get("autocomplete"):
                errors.append(f"{at}: Autocomplete cannot be set with choices")
            if len(choices) > 25:
                errors.append(f"{at}.choices: Must be 25 or fewer in length.")
            for c_index, choice in enumerate(choices):
                if not _text_ok(choice.get("name"), 1, 100):
                    errors.append(f"{at}.choices.{c_index}.name: Must be between 1 and 100 in length.")
                errors += _localization_errors(
                    f"{at}.choices.{c_index}", choice.get("name_localizations"), None, name_rule=False
                )
    return errors


def invalid_form_body(errors: list[str]) -> Json:
    """Discord's 400 body for a validation failure (code 50035)."""
    return {"code": 50035, "message": "Invalid Form Body", "errors": {"_errors": [{"message": e} for e in errors]}}
