"""The `vrambot` script answers a plain `vrambot ask QUESTION` without click, exactly as the click command does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.chat.test_startup import broken_data

ENTRY = "from bot.entry import main; main()"  # the console script (pyproject.toml)
CLICK = "import sys; from bot.cli import main; sys.exit(main())"  # the click group, as before


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env or dict(os.environ)
    )


@pytest.mark.parametrize(
    "words",
    [
        ("Can an RTX 4060 run Llama 3 8B?",),  # a verdict, exit 0
        ("¿Puede", "una", "RTX", "4090", "correr", "Llama", "3", "8B?"),  # unquoted words, in Spanish
        ("Can a 4090 run Llama 9 70B?",),  # an unknown model: said, exit 2
    ],
)
def test_plain_questions_answer_as_the_click_command(words: tuple[str, ...]) -> None:
    fast, slow = _run(ENTRY, "ask", *words), _run(CLICK, "ask", *words)
    assert (fast.stdout, fast.returncode) == (slow.stdout, slow.returncode)
    assert fast.stdout.strip() and fast.stderr == ""


def test_an_unknown_model_exits_with_the_usage_status() -> None:
    result = _run(ENTRY, "ask", "Can a 4090 run Llama 9 70B?")
    assert result.returncode == 2 and '"llama 9 70b"' in result.stdout


def test_options_and_other_commands_go_to_click() -> None:
    """`--json` and `--help` are click's: the fast path takes only plain questions."""
    as_json = _run(ENTRY, "ask", "--json", "Can an RTX 4060 run Llama 3 8B?")
    assert as_json.returncode == 0 and as_json.stdout.lstrip().startswith("{")
    assert "Usage:" in _run(ENTRY, "ask", "--help").stdout
    assert "Usage:" in _run(ENTRY).stdout + _run(ENTRY).stderr


def test_a_broken_catalog_is_one_line_as_with_click(tmp_path: Path) -> None:
    env = {**os.environ, "VRAMBOT_DATA_DIR": str(broken_data(tmp_path)), "VRAMBOT_CACHE_DIR": str(tmp_path / "c")}
    fast = _run(ENTRY, "ask", "Can an RTX 4060 run Llama 3 8B?", env=env)
    slow = _run(CLICK, "ask", "Can an RTX 4060 run Llama 3 8B?", env=env)
    assert (fast.returncode, fast.stderr) == (slow.returncode, slow.stderr) == (1, slow.stderr)
    assert fast.stderr.startswith("Error: gpus.yaml") and "Traceback" not in fast.stderr


def test_the_plain_question_path_loads_no_click(tmp_path: Path) -> None:
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print(sorted(m for m in ('click', 'rich', 'yaml', 'importlib.metadata')"
        " if m in sys.modules), file=sys.stderr))\n" + ENTRY
    )
    env = {**os.environ, "VRAMBOT_CACHE_DIR": str(tmp_path)}
    _run(code, "ask", "Can an RTX 4060 run Llama 3 8B?", env=env)  # writes the caches
    assert _run(code, "ask", "Can an RTX 4060 run Llama 3 8B?", env=env).stderr.strip() == "[]"
