"""The installed package is the product: `pip install .` (not editable) answers from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain (non-editable) install of this checkout into a folder of its own.

    The sources are copied first: building in place would leave setuptools' build/ folder in the checkout.
    """
    folder = tmp_path_factory.mktemp("wheel")
    source, target = folder / "src", folder / "site"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for package in ("knowledge", "bot"):
        shutil.copytree(ROOT / package, source / package, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(source)],
        check=True, capture_output=True, cwd=folder, timeout=300,
    )  # fmt: skip
    return target


def _vrambot(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "import sys; from bot.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_installed_package_answers_from_another_folder(installed: Path, tmp_path: Path) -> None:
    """`ask` and `estimate` work from an empty folder, reading the installed copy's catalog and messages."""
    where = _vrambot(installed, tmp_path, "ask", "--json", "¿Puede una RTX 4090 correr Llama 3 8B?")
    assert where.returncode == 0, where.stderr
    answer = json.loads(where.stdout)
    assert answer["language"] == "es" and answer["model"]["id"] == "llama-3-8b"
    estimate = _vrambot(installed, tmp_path, "estimate", "Llama 2 7B", "--json")
    assert estimate.returncode == 0, estimate.stderr
    # Llama 2 7B: 6,738,415,616 parameters x 2 bytes (fp16) = 12.55 GiB of weights.
    assert abs(json.loads(estimate.stdout)["memory"]["weights_gib"] - 6_738_415_616 * 2 / 2**30) < 0.01


def test_installed_package_lists_the_catalog_and_ships_its_data(installed: Path, tmp_path: Path) -> None:
    """`models` and `gpus` list the catalog; the calibration data ships with the package."""
    models = _vrambot(installed, tmp_path, "models", "--json")
    gpus = _vrambot(installed, tmp_path, "gpus", "--json")
    assert models.returncode == 0 and gpus.returncode == 0, models.stderr + gpus.stderr
    assert any(row["id"] == "llama-3-8b" for row in json.loads(models.stdout))
    assert any(row["id"] == "rtx-4090" for row in json.loads(gpus.stdout))
    assert (installed / "knowledge" / "data" / "measurements.jsonl").is_file()
    check = _vrambot(installed, tmp_path, "--version")
    assert check.returncode == 0
    origin = subprocess.run(
        [sys.executable, "-c", "import knowledge; print(knowledge.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)}, check=True,
    )  # fmt: skip
    assert origin.stdout.strip().startswith(str(installed))
