"""The `vrambot` command: a click group whose subcommands load on first use.

Each subcommand lives in its own module (``LAZY_COMMANDS``) so that `vrambot ask` does not import
discord.py, slack-bolt or MkDocs, and starts fast.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import click

from bot.pydantic_plugins import skip_discovery

skip_discovery()  # before knowledge builds a pydantic validator

from knowledge import CatalogError, load_catalog  # noqa: E402  # after skip_discovery()

LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "estimate": ("bot.commands.estimate", "Estimate the memory and speed of a model on a GPU."),
    "models": ("bot.commands.catalog", "List the models in the catalog."),
    "gpus": ("bot.commands.catalog", "List the GPUs in the catalog."),
    "catalog": ("bot.commands.catalog_add", "Maintain the catalog: `catalog add ORG/NAME` drafts a Hub model."),
    "ask": ("bot.commands.ask", "Answer a question in English or Spanish."),
    "chat": ("bot.commands.ask", "Ask questions one after another, with follow-ups (exit to end)."),
    "discord": ("bot.discord_bot.cli", "Run the Discord bot (needs DISCORD_TOKEN)."),
    "slack": ("bot.slack_bot.cli", "Run the Slack app (needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN)."),
    "serve": ("bot.serve", "Run every bot whose tokens are set, in one process."),
    "site": ("bot.commands.site", "Build or serve the reference site."),
}


# The extra each front end needs (pyproject.toml), for a one-line message when it is not installed.
EXTRAS: dict[str, str] = {"discord": "discord", "slack": "slack", "serve": "discord,slack", "site": "site"}


@contextlib.contextmanager
def _extra_needed(cmd_name: str) -> Iterator[None]:
    """A front-end library missing while ``cmd_name`` loads or runs: one line naming the extra to install."""
    try:
        yield
    except ModuleNotFoundError as error:
        if cmd_name not in EXTRAS or (error.name or "").split(".")[0] in ("bot", "knowledge"):
            raise
        extra = EXTRAS[cmd_name]
        raise click.UsageError(
            f"`vrambot {cmd_name}` needs {error.name}, which is not installed: pip install 'vrambot[{extra}]'."
        ) from None


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs or shows help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in LAZY_COMMANDS:
            return None
        with _extra_needed(cmd_name):
            module = importlib.import_module(LAZY_COMMANDS[cmd_name][0])
        command: Any = getattr(module, cmd_name.replace("-", "_"))
        if not isinstance(command, click.Command):
            raise TypeError(f"{LAZY_COMMANDS[cmd_name][0]}.{cmd_name} is not a click command")
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta["vrambot.command"] = name or ""
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError:
            with _extra_needed(ctx.meta.get("vrambot.command", "")):
                raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_module, help_text) in sorted(LAZY_COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="vrambot")
def main() -> None:
    """vrambot: can my GPU run, or train, this model? Answers in English and Spanish."""
    try:  # fail fast: a broken catalog is one line naming file, entry and field, before any work
        load_catalog()
    except CatalogError as error:
        raise click.ClickException(str(error)) from None
