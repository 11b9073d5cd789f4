"""`vrambot models` and `vrambot gpus`: JSON, filters, and ids never cut when piped."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import main


def test_gpus_json_lists_objects_with_id_name_and_key_figures() -> None:
    """--json prints a list of objects; the RTX 4090 has 24 GiB and 1,008 GB/s (NVIDIA's spec sheet)."""
    result = CliRunner().invoke(main, ["gpus", "--json"])
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert rows["rtx-4090"]["name"] == "GeForce RTX 4090"
    assert rows["rtx-4090"]["memory_gib"] == 24
    assert rows["rtx-4090"]["memory_bandwidth_gb_s"] == 1008


def test_gpu_filters_vendor_and_min_vram() -> None:
    """--vendor apple --min-vram 100 keeps only Macs whose GPU may use at least 100 GiB."""
    result = CliRunner().invoke(main, ["gpus", "--json", "--vendor", "apple", "--min-vram", "100"])
    rows = json.loads(result.output)
    assert rows, "the catalog has Macs with 128 GB or more"
    assert all(row["vendor"] == "apple" and row["usable_memory_gib"] >= 100 for row in rows)
    ids = {row["id"] for row in rows}
    assert "apple-m2-ultra-192gb" in ids  # 192 GB x 75 % = 144 GiB for the GPU
    assert "apple-m4-max-128gb" not in ids  # 128 GB x 75 % = 96 GiB, under 100


def test_models_family_filter_and_json() -> None:
    """--family keeps one family; Llama 3.1 8B is 8.03 B parameters (Meta's model card)."""
    rows = json.loads(CliRunner().invoke(main, ["models", "--json", "--family", "llama-3.1"]).output)
    assert {row["family"] for row in rows} == {"llama-3.1"}
    eight = next(row for row in rows if row["id"] == "llama-3.1-8b")
    assert abs(eight["params_b"] - 8.03) < 0.01


def test_unknown_family_is_one_usage_line() -> None:
    """An unknown family names the problem and lists the families, exit 2."""
    result = CliRunner().invoke(main, ["models", "--family", "nope"])
    assert result.exit_code == 2
    assert "no family 'nope'" in result.output and "llama-3.1" in result.output


def test_piped_rows_keep_every_id_whole() -> None:
    """When piped (not a terminal) each row is tab-separated and every id is printed whole."""
    result = CliRunner().invoke(main, ["gpus"])  # CliRunner's output is not a terminal
    lines = result.output.splitlines()
    assert lines[0].split("\t")[:2] == ["id", "name"]
    ids = {line.split("\t")[0] for line in lines[1:]}
    assert "rtx-4060-ti-16gb" in ids
    assert all("…" not in line for line in lines)
