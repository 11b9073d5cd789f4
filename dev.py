#!/usr/bin/env python3
"""vrambot's two entry points, needing nothing but Python 3.11+ and the package registries.

    python3 dev.py run ["QUESTION"]   set up .venv, then answer a question (the main job)
    python3 dev.py test [PYTEST ARGS]  set up .venv, then lint, type-check, check layers, run every test

Set-up creates ``.venv``; ``run`` installs only what answering needs, ``test`` the project with every front
end and the dev tools. Each reinstalls only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".vrambot-installed"
DEFAULT_QUESTION = "¿Puede una RTX 4060 correr Llama 2 7B?"


def _call(*args: str | Path) -> None:
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if completed.returncode:
        sys.exit(completed.returncode)


def setup(extras: str = "") -> None:
    """Install the project (with ``extras``, e.g. "dev") unless this pyproject.toml is installed with them."""
    if sys.version_info < (3, 11):  # noqa: UP036  # dev.py is run by whatever python3 the machine has
        sys.exit(f"vrambot needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = STAMP.read_text().split() if STAMP.exists() else []
    if installed[:1] == [digest] and (not extras or extras in installed[1:]):
        return
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing vrambot and its dependencies into .venv ...", flush=True)
    _call(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    _call(BIN / "python", "-m", "pip", "install", "-q", "-e", f".[{extras}]" if extras else ".")
    STAMP.write_text(" ".join([digest, *([extras] if extras else [])]))


def run(question: str) -> None:
    setup()
    _call(BIN / "vrambot", "ask", question)


def test(pytest_args: list[str]) -> None:
    setup("dev")
    _call(BIN / "ruff", "check", "knowledge", "bot", "tests", "benchmarks", "dev.py")
    _call(BIN / "mypy")
    _call(BIN / "lint-imports")
    _call(BIN / "pytest", "-q", *pytest_args)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("run", "test", "setup"):
        sys.exit(__doc__)
    if argv[0] == "setup":
        setup("dev")
    elif argv[0] == "run":
        run(" ".join(argv[1:]) or DEFAULT_QUESTION)
    else:
        test(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
