"""`vrambot site`: a group with build and serve, reachable through the lazy `vrambot` command."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main


def test_site_group_offers_build_and_serve() -> None:
    """`vrambot site --help` lists both subcommands with their help."""
    result = CliRunner().invoke(main, ["site", "--help"])
    assert result.exit_code == 0
    assert "build  Regenerate the pages, then build the site strictly" in result.output
    assert "serve  Serve the site on 127.0.0.1 with live reload" in result.output


def test_serve_refuses_a_port_out_of_range() -> None:
    """A bad --port is a usage error naming the option, not a traceback."""
    result = CliRunner().invoke(main, ["site", "serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "--port" in result.output


def test_build_check_refuses_stale_pages(monkeypatch) -> None:
    """`vrambot site build --check` on a stale tree fails naming the regenerate command, building nothing."""
    import bot.commands.site as command

    monkeypatch.setattr(command, "stale", lambda: ["stale: site/docs/semilla.md"])
    result = CliRunner().invoke(main, ["site", "build", "--check"])
    assert result.exit_code == 1
    assert "stale: site/docs/semilla.md" in result.output
    assert "run `python -m bot.sitegen.publish`" in result.output
