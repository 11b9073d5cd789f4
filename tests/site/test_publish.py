"""The page generator: every catalog entry gets a page and a row, figures come from the estimator and
read as each language writes them, and the files on disk are checked and rewritten only when they change."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from bot.sitegen import publish
from bot.sitegen.figures import fits, reference_gpus
from knowledge.answering.links import gpu_path, model_path
from knowledge.estimator.catalog import Catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job

ROW_ANCHOR = re.compile(r"\{ #([a-z0-9.-]+) \}")
SORT_CELL = re.compile(r'(\S+) \{ data-sort="(-?[0-9.]+)" \}')


@pytest.fixture(scope="module")
def tiny_pages(tiny_catalog: Catalog) -> dict[Path, str]:
    return publish.render(tiny_catalog)


def _row(text: str, anchor: str) -> str:
    return next(line for line in text.splitlines() if f"{{ #{anchor} }}" in line)


def test_every_model_and_gpu_has_a_page_in_both_languages(tiny_catalog: Catalog, tiny_pages) -> None:
    """Spanish page.md and English page.en.md at the path the bots link to, plus a chart per model."""
    for model in tiny_catalog.models:
        md = model_path(model.id).rstrip("/") + ".md"
        assert Path(md) in tiny_pages and Path(md.replace(".md", ".en.md")) in tiny_pages
        assert Path(f"graficos/{model.id}.svg") in tiny_pages
    for gpu in tiny_catalog.gpus:
        assert Path(gpu_path(gpu.id).rstrip("/") + ".md") in tiny_pages


def test_model_table_has_one_anchored_row_per_model(tiny_catalog: Catalog, tiny_pages) -> None:
    """The model table's rows carry the catalog ids as unique anchors."""
    anchors = ROW_ANCHOR.findall(tiny_pages[Path("modelos/index.md")])
    assert sorted(anchors) == sorted(m.id for m in tiny_catalog.models)


def test_table_figures_are_the_estimators_with_a_decimal_comma_in_spanish(tiny_catalog: Catalog, tiny_pages) -> None:
    """The FP16 column shows the estimate's total as "16,1" in Spanish and "16.1" in English, sorting on 16.109."""
    model = tiny_catalog.model("llama-2-7b")
    total = estimate(Job(model=model, precision="fp16")).total_gib
    es_cells = SORT_CELL.findall(_row(tiny_pages[Path("modelos/index.md")], model.id))
    en_cells = SORT_CELL.findall(_row(tiny_pages[Path("modelos/index.en.md")], model.id))
    fp16_es, fp16_en = es_cells[1], en_cells[1]  # after the parameter count
    assert float(fp16_es[1]) == pytest.approx(total, abs=1e-3)
    assert fp16_es[0] == f"{total:.1f}".replace(".", ",")
    assert fp16_en[0] == f"{total:.1f}"


def test_gpu_page_shows_speed_only_where_the_model_fits(tiny_catalog: Catalog, tiny_pages) -> None:
    """On the RTX 4060 page Llama 2 7B in FP16 "no cabe", and Q4_K_M shows the estimator's tokens/s."""
    model, gpu = tiny_catalog.model("llama-2-7b"), tiny_catalog.gpu("rtx-4060")
    row = _row(tiny_pages[Path("gpus/rtx-4060.md")], model.id)
    speed = estimate(Job(model=model, precision="q4_k_m", gpu=gpu)).tokens_per_s
    assert 'no cabe { data-sort="-1" }' in row
    assert f'{{ data-sort="{round(speed, 4)}" }}' in row


def test_matrix_links_each_cell_to_the_model_row_for_that_gpu(tiny_catalog: Catalog, tiny_pages) -> None:
    """Matrix cells link to modelos/<model>.md#<gpu>, the anchored row on the model's page."""
    matrix = tiny_pages[Path("compatibilidad.md")]
    model_page = tiny_pages[Path("modelos/llama-2-7b.md")]
    for gpu in reference_gpus(tiny_catalog):
        assert f"](modelos/llama-2-7b.md#{gpu.id}){{ .vb-" in matrix
        assert f"{{ #{gpu.id} }}" in model_page
    assert matrix.count('=== "') == 4  # one tab per task


def test_seed_rows_are_verbatim_beside_the_estimate(tiny_catalog: Catalog, tiny_pages) -> None:
    """The seed's cells appear unchanged, followed by vrambot's figure under the row's holds_for flags."""
    page = tiny_pages[Path("semilla.md")]
    row = tiny_catalog.seed[0]
    line = next(x for x in page.splitlines() if x.startswith(f"| {row.cells[0]} |"))
    assert line.startswith("| " + " | ".join(row.cells) + " |")
    expected = estimate(
        Job(model=tiny_catalog.model("llama-2-7b"), precision="q4_k_m", runtime="llama.cpp")
    ).per_gpu_gib
    assert f'{{ data-sort="{round(expected, 4)}" }}' in line
    assert "Solo cuantizado." in line
    assert "Only quantized." in tiny_pages[Path("semilla.en.md")]


def test_pages_start_with_front_matter_then_the_title_then_the_notice(tiny_pages) -> None:
    """Search and navigation take the title from the front matter; the notice names the regenerate command."""
    for path, text in tiny_pages.items():
        if path.suffix != ".md":
            continue
        assert text.startswith("---\ntitle: "), path
        head = text.split("---\n", 2)[2].lstrip().splitlines()
        assert head[0].startswith("# "), path
        assert publish.REGENERATE in head[2], path


def test_fits_shortcut_agrees_with_the_estimator(tiny_catalog: Catalog) -> None:
    """The tables' "fits as asked" equals estimate(job on that GPU).fits for every task and GPU."""
    for model in tiny_catalog.models:
        for gpu in tiny_catalog.gpus:
            for task, precision in [
                ("inference", "fp16"),
                ("inference", "q4_k_m"),
                ("lora", None),
                ("qlora", None),
                ("full_finetune", None),
            ]:
                expected = estimate(Job(model=model, task=task, precision=precision, gpu=gpu)).fits
                assert fits(model, gpu, task, precision) is expected, (model.id, gpu.id, task, precision)


def test_templates_fail_on_a_missing_field() -> None:
    """StrictUndefined: a template that names a field the context lacks raises instead of printing nothing."""
    with pytest.raises(jinja2.UndefinedError):
        publish.environment().from_string("{{ row.missing }}").render(row={})


def test_write_all_writes_changes_only_and_removes_orphans(tmp_path: Path, tiny_pages) -> None:
    """A second write changes nothing; a file left in a generated folder is removed; stale() names each problem."""
    assert publish.write_all(tmp_path, tiny_pages) == sorted(tiny_pages)
    assert publish.write_all(tmp_path, tiny_pages) == []
    assert publish.stale(tmp_path, tiny_pages) == []
    (tmp_path / "modelos" / "gone.md").write_text("old", encoding="utf-8")
    (tmp_path / "semilla.md").write_text("edited by hand", encoding="utf-8")
    (tmp_path / "gpus" / "rtx-4060.md").unlink()
    assert publish.stale(tmp_path, tiny_pages) == [
        "missing: site/docs/gpus/rtx-4060.md",
        "stale: site/docs/semilla.md",
        "not generated any more: site/docs/modelos/gone.md",
    ]
    publish.write_all(tmp_path, tiny_pages)
    assert not (tmp_path / "modelos" / "gone.md").exists()
    assert publish.stale(tmp_path, tiny_pages) == []


def test_check_mode_names_the_command_that_regenerates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`python -m bot.sitegen.publish --check` exits 1 on a stale tree and says what to run."""
    monkeypatch.setattr(publish, "stale", lambda: ["stale: site/docs/semilla.md"])
    lines: list[str] = []
    assert publish.main(["--check"], out=lines.append) == 1
    assert lines[0] == "stale: site/docs/semilla.md"
    assert "run `python -m bot.sitegen.publish`" in lines[-1]


def test_every_catalog_id_is_an_anchor_on_the_site_tables(catalog: Catalog, rendered) -> None:
    """Every model is a row of the model table and every GPU a row of the GPU table, in both languages."""
    for name, items in (("modelos", catalog.models), ("gpus", catalog.gpus)):
        for suffix in ("", ".en"):
            anchors = ROW_ANCHOR.findall(rendered[Path(f"{name}/index{suffix}.md")])
            assert sorted(anchors) == sorted(i.id for i in items)
