"""The committed pages under site/docs are what the generator writes today."""

from __future__ import annotations

from bot.sitegen import publish


def test_pages_are_current(rendered) -> None:
    """Fails, naming each stale file, when the catalog, estimator or templates changed without regenerating."""
    problems = publish.stale(publish.DOCS, rendered)
    assert not problems, (
        "The site's generated pages are out of date: run `python -m bot.sitegen.publish` and commit site/docs.\n"
        + "\n".join(problems[:20])
    )
