"""The catalog fails fast on bad data (one line naming file, entry and field) and is parsed once per data
version: the validated catalog is cached under a key made from the files' bytes."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import CatalogError
from knowledge.estimator import catalog as catalog_module
from knowledge.estimator.data_files import PACKAGE_DATA, cached, read_yaml


def _package(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PACKAGE_DATA / name).read_text(encoding="utf-8"))
    return loaded


def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: Any) -> Path:
    """A data directory holding the package's files, with some replaced; VRAMBOT_DATA_DIR points at it."""
    for name in ("models.yaml", "gpus.yaml", "seed.yaml"):
        content = files.get(name.removesuffix(".yaml"))
        text = yaml.safe_dump(content) if content is not None else (PACKAGE_DATA / name).read_text("utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("VRAMBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("VRAMBOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _gpus_with(change: dict[str, Any], gpu_id: str = "rtx-4090") -> dict[str, Any]:
    data = _package("gpus.yaml")
    entry = next(g for g in data["gpus"] if g["id"] == gpu_id)
    entry.update(change)
    return data


def _error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: Any) -> str:
    _data_dir(tmp_path, monkeypatch, **files)
    with pytest.raises(CatalogError) as caught:
        catalog_module._build()
    return str(caught.value)


def test_duplicate_yaml_key_names_file_line_and_key(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys; the catalog refuses the file instead."""
    path = tmp_path / "gpus.yaml"
    path.write_text("gpus:\n  - id: a\n    memory_gib: 8\n    memory_gib: 16\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"gpus.yaml: line 4: key 'memory_gib' is given twice"):
        read_yaml(path)


@pytest.mark.parametrize(
    ("value", "words"),
    [(float("inf"), "finite"), (True, "must be a number, not true"), (-24, "greater than 0")],
    ids=["infinite", "boolean", "negative"],
)
def test_memory_must_be_a_finite_positive_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: object, words: str
) -> None:
    """`memory_gib: .inf`, `true` or a negative size is an error on that entry and field."""
    message = _error(tmp_path, monkeypatch, gpus=_gpus_with({"memory_gib": value}))
    assert message.startswith("gpus.yaml: entry 'rtx-4090', field 'memory_gib'")
    assert words in message


def test_an_alias_given_to_two_entries_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ "4090" already names the RTX 4090; giving it to the RTX 3090 too would make one of them unreachable."""
    data = _gpus_with({"aliases": ["4090"]}, gpu_id="rtx-3090")
    message = _error(tmp_path, monkeypatch, gpus=data)
    # The file lists the RTX 3090 first, so the RTX 4090's own alias is the second use.
    assert "entry 'rtx-4090', field 'aliases': '4090' already names 'rtx-3090'" in message


def test_a_parameter_count_ten_times_off_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Llama 2 7B is 6,738,415,616 parameters (Meta); a tenfold typo is caught at load."""
    data = _package("models.yaml")
    entry = next(m for m in data["models"] if m["id"] == "llama-2-7b")
    entry["params_official"] = 67_384_156_160
    message = _error(tmp_path, monkeypatch, models=data)
    assert "entry 'llama-2-7b', field 'params_official'" in message
    assert "0.10 x what the architecture gives" in message


def test_data_dir_setting_reads_another_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """VRAMBOT_DATA_DIR points the catalog at an operator's files: an added GPU is then known."""
    data = _package("gpus.yaml")
    extra = copy.deepcopy(next(g for g in data["gpus"] if g["id"] == "rtx-4090"))
    extra.update(id="lab-card-48gb", name="Lab Card 48GB", aliases=["lab card"], memory_gib=48)
    data["gpus"].append(extra)
    _data_dir(tmp_path, monkeypatch, gpus=data)
    built = catalog_module._build()
    assert built.find_gpu("lab card").memory_gib == 48


def test_cache_is_keyed_by_the_files_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same bytes: built once and then read back; one byte changed: built again."""
    monkeypatch.setenv("VRAMBOT_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data.yaml"
    data.write_text("a: 1\n", encoding="utf-8")
    builds: list[int] = []

    def build() -> dict[str, int]:
        builds.append(1)
        return {"built": len(builds)}

    assert cached([data], build) == {"built": 1}
    assert cached([data], build) == {"built": 1}  # from the cache: build() not called again
    data.write_text("a: 2\n", encoding="utf-8")
    assert cached([data], build) == {"built": 2}
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_damaged_cache_is_only_a_slower_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache file that is not a pickle is ignored: the value is built again."""
    monkeypatch.setenv("VRAMBOT_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data.yaml"
    data.write_text("a: 1\n", encoding="utf-8")
    cached([data], lambda: "first")
    for entry in (tmp_path / "cache").iterdir():
        entry.write_bytes(b"not a pickle")
    assert cached([data], lambda: "rebuilt") == "rebuilt"


def test_cli_refuses_a_broken_catalog_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command validates the catalog first: one line naming file, entry and field, exit 1, no traceback."""
    data = _data_dir(tmp_path, monkeypatch, gpus=_gpus_with({"memory_gib": float("inf")}))
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "gpus"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "VRAMBOT_DATA_DIR": str(data)},
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: gpus.yaml: entry 'rtx-4090', field 'memory_gib'")
