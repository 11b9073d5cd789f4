"""`vrambot site`: a group with build and serve, reachable through the lazy `vrambot` command."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main


def test_site_group_offers_build_and_serve() -> None:
    """`vrambot site --help` lists both subcommands with their help."""
    result = CliRunner().invoke(main, ["site", "--help"])
    assert result.exit_code == 0
    assert "build  Generate the pages, then build the site strictly" in result.output
    assert "serve  Serve the Spanish site on 127.0.0.1 with live reload" in result.output


def test_serve_refuses_a_port_out_of_range() -> None:
    """A bad --port is a usage error naming the option, not a traceback."""
    result = CliRunner().invoke(main, ["site", "serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "--port" in result.output


def test_a_failed_build_names_the_fix(monkeypatch, tmp_path) -> None:
    """When MkDocs refuses a page, the command exits 1 with MkDocs' message and what to do, not a traceback."""
    import bot.sitegen.build as build

    def refuse(out, catalog=None, tree=None):
        raise build.BuildError("mkdocs build (es) failed:\nERROR - Doc file 'x.md' contains a link 'y.md'")

    monkeypatch.setattr(build, "build_site", refuse)
    result = CliRunner().invoke(main, ["site", "build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "contains a link 'y.md'" in result.output
    assert "run `vrambot site build` again" in result.output
