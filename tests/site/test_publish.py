"""The page generator: every catalog entry gets a page in each language at that language's slug, figures come
from the estimator and read as each language writes them, and the build tree is written reproducibly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pytest

from bot.sitegen import publish, slots
from bot.sitegen.figures import fits, reference_gpus
from knowledge.estimator.catalog import Catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job

ROW_ID = re.compile(r'<td id="([a-z0-9.-]+)"')


def _page(rendered: dict[Path, str], path: str) -> str:
    """A page's Markdown with its heavy HTML put back, as the build does after MkDocs."""
    lang, file = path.split("/", 1)
    fragments = rendered.get(slots.slots_file(lang, file))
    return slots.fill(rendered[Path(path)], json.loads(fragments)) if fragments else rendered[Path(path)]


def _row(text: str, anchor: str) -> str:
    return next(line for line in text.splitlines() if f'<td id="{anchor}"' in line)


def test_every_model_and_gpu_has_a_page_in_both_languages(tiny_catalog: Catalog, tiny_rendered) -> None:
    """Spanish under es/ with Spanish slugs, English under en/ with English slugs, a chart and a grid per model."""
    for model in tiny_catalog.models:
        assert Path(f"es/modelos/{model.id}.md") in tiny_rendered
        assert Path(f"en/models/{model.id}.md") in tiny_rendered
        assert Path(f"es/graficos/{model.id}.svg") in tiny_rendered
        assert Path(f"en/charts/{model.id}.svg") in tiny_rendered
        assert Path(f"es/grids/{model.id}.json") in tiny_rendered
    for gpu in tiny_catalog.gpus:
        assert Path(f"es/gpus/{gpu.id}.md") in tiny_rendered and Path(f"en/gpus/{gpu.id}.md") in tiny_rendered
    for es, en in [("compatibilidad", "compatibility"), ("metodo", "method"), ("semilla", "seed"),
                   ("calculadora", "calculator")]:
        assert Path(f"es/{es}.md") in tiny_rendered and Path(f"en/{en}.md") in tiny_rendered


def test_model_table_has_one_anchored_row_per_model(tiny_catalog: Catalog, tiny_rendered) -> None:
    """The model table's rows carry the catalog ids as unique anchors."""
    anchors = ROW_ID.findall(_page(tiny_rendered, "es/modelos/index.md"))
    assert sorted(anchors) == sorted(m.id for m in tiny_catalog.models)


def test_table_figures_are_the_estimators_with_a_decimal_comma_in_spanish(tiny_catalog: Catalog, tiny_rendered) -> None:
    """The FP16 column shows the estimate's total as "16,1" in Spanish and "16.1" in English, sorting on 16.109."""
    model = tiny_catalog.model("llama-2-7b")
    total = estimate(Job(model=model, precision="fp16")).total_gib
    shown = f"{total:.1f}"
    for path, figure in (("es/modelos/index.md", shown.replace(".", ",")), ("en/models/index.md", shown)):
        row = _row(_page(tiny_rendered, path), model.id)
        assert f'data-sort="{round(total, 4)}">{figure}</td>' in row


def test_gpu_page_shows_speed_only_where_the_model_fits(tiny_catalog: Catalog, tiny_rendered) -> None:
    """On the RTX 4060 page Llama 2 7B in FP16 is ✘, and Q4_K_M shows the estimator's tokens/s."""
    model, gpu = tiny_catalog.model("llama-2-7b"), tiny_catalog.gpu("rtx-4060")
    row = _row(_page(tiny_rendered, "es/gpus/rtx-4060.md"), model.id)
    fp16 = estimate(Job(model=model, precision="fp16", gpu=gpu))
    speed = estimate(Job(model=model, precision="q4_k_m", gpu=gpu)).tokens_per_s
    assert fp16.fits is False
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[2] == "✘"  # FP16, after the model and its parameter count
    assert f'data-sort="{round(speed, 4)}">{round(speed)}</td>' in row


def test_gpu_page_opens_with_what_it_runs(tiny_catalog: Catalog, tiny_rendered) -> None:
    """The first section of a GPU page says how many models fit per task and names the largest."""
    page = _page(tiny_rendered, "en/gpus/a100-80gb.md")
    first = page.split("\n## ", 2)[1]
    usable = tiny_catalog.gpu("a100-80gb").usable_memory_gib  # what the card's memory leaves to models
    assert first.startswith(f"What it runs ({round(usable, 1):g} GiB)")
    # Both 7B models fit an A100 80GB in FP16 (about 15 GiB); the larger by computed parameters is named.
    largest = max(tiny_catalog.models, key=lambda m: m.params)
    assert f"Inference FP16: 2 of 2 models fit as is; the largest is [{largest.name}]" in first


def test_model_page_opens_with_where_it_runs(tiny_rendered) -> None:
    """The first section of a model page is the verdict table, before the calculator and the chart."""
    page = _page(tiny_rendered, "es/modelos/llama-2-7b.md")
    sections = re.findall(r"^## (.+)$", page, re.MULTILINE)
    assert sections[:3] == ["Dónde corre", "Calculadora", "Memoria según el contexto"]
    assert sections[-1] == "Arquitectura"


def test_matrix_links_each_cell_to_the_model_row_for_that_gpu(tiny_catalog: Catalog, tiny_rendered) -> None:
    """Matrix cells link to modelos/<model>/#<gpu>, the anchored verdict row on the model's page."""
    matrix = _page(tiny_rendered, "es/compatibilidad.md")
    model_page = _page(tiny_rendered, "es/modelos/llama-2-7b.md")
    for gpu in reference_gpus(tiny_catalog):
        assert f'href="../modelos/llama-2-7b/#{gpu.id}"' in matrix
        assert f'<td id="{gpu.id}"' in model_page
    assert matrix.count('=== "') == 4  # one tab per task


def test_matrix_cells_carry_a_symbol_and_a_verdict_class(tiny_catalog: Catalog, tiny_rendered) -> None:
    """Llama 2 7B FP16 (about 15 GiB with its 4k context) does not fit 8 GiB as asked but fits 80 GiB."""
    matrix = _page(tiny_rendered, "en/compatibility.md").split('=== "')[1]  # the inference tab
    row = next(line for line in matrix.splitlines() if "models/llama-2-7b/#rtx-4060" in line)
    assert re.search(r'<td class="vb-(changes|no)"[^>]*><a href="../models/llama-2-7b/#rtx-4060"[^>]*>[≈✘]</a>', row)
    assert re.search(r'<td class="vb-yes"[^>]*><a href="../models/llama-2-7b/#a100-80gb"[^>]*>✔</a>', row)


def test_seed_rows_are_verbatim_with_a_verdict(tiny_catalog: Catalog, tiny_rendered) -> None:
    """The seed's cells appear unchanged in both languages, followed by the verdict and the FP16 figure."""
    row = tiny_catalog.seed[0]
    fp16 = estimate(Job(model=tiny_catalog.model("llama-2-7b"), precision="fp16")).per_gpu_gib
    for path in ("es/semilla.md", "en/seed.md"):
        line = _row(_page(tiny_rendered, path), row.id)
        assert [c for c in re.findall(r"<td[^>]*>(.*?)</td>", line)[:4]] == list(row.cells)
        assert f'data-sort="{round(fp16, 4)}"' in line
    assert "Solo cuantizado." in _page(tiny_rendered, "es/semilla.md")
    assert "Only quantized." in _page(tiny_rendered, "en/seed.md")


def test_heavy_html_waits_outside_the_markdown(tiny_rendered) -> None:
    """Big tables, charts and the calculator reach the page after MkDocs, in place of one-line placeholders;
    the verdict table stays, because other pages link to its rows and MkDocs checks those anchors."""
    text = tiny_rendered[Path("es/modelos/llama-2-7b.md")]
    assert "vb-components" not in text and "<svg" not in text and "vb-calc-data" not in text
    assert 'class="vb-table vb-answers"' in text
    placeholders = re.findall(r"<!-- vb-slot (\d+) -->", text)
    fragments = json.loads(tiny_rendered[Path("slots/es/modelos/llama-2-7b.md.json")])
    assert sorted(int(n) for n in placeholders) == list(range(len(fragments)))  # each used once
    assert "vb-components" in _page(tiny_rendered, "es/modelos/llama-2-7b.md")


def test_pages_start_with_front_matter_then_the_title_then_a_hidden_note(tiny_rendered) -> None:
    """Title, description and the other language's page in the front matter; the generator note is a comment."""
    for path, text in tiny_rendered.items():
        if path.suffix != ".md":
            continue
        front, body = text.split("---\n", 2)[1:]
        assert re.search(r'^title: ".+"$', front, re.M) and re.search(r'^description: ".+"$', front, re.M), path
        assert re.search(r'^alternate: ".+/"$', front, re.M), path
        lines = body.lstrip().splitlines()
        assert lines[0].startswith("# "), path
        assert lines[2].startswith("<!-- Generated by `vrambot site build`") and lines[2].endswith("-->"), path


@pytest.mark.parametrize(
    ("path", "alternate"),
    [
        ("es/modelos/llama-2-7b.md", "../../en/models/llama-2-7b/"),
        ("en/models/llama-2-7b.md", "../../../modelos/llama-2-7b/"),
        ("es/compatibilidad.md", "../en/compatibility/"),
        ("en/index.md", "../"),
        ("es/index.md", "en/"),
    ],
)
def test_each_page_names_itself_in_the_other_language(tiny_rendered, path: str, alternate: str) -> None:
    """The language menu's link, relative to the page's URL (the slugs differ between languages)."""
    assert f'alternate: "{alternate}"' in _page(tiny_rendered, path)


def test_spanish_pages_carry_no_english_labels(tiny_rendered) -> None:
    """Labels that used to leak into Spanish pages are translated."""
    for path in tiny_rendered:
        if path.parts[0] == "es" and path.suffix == ".md":
            text = _page(tiny_rendered, str(path))
            for english in ("mixed (bf16", "double quantization", "does not fit", "Inference", "Full fine-tune"):
                assert english not in text, (path, english)


def test_templates_fail_on_a_missing_field() -> None:
    """StrictUndefined: a template that names a field the context lacks raises instead of printing nothing."""
    with pytest.raises(jinja2.UndefinedError):
        publish.environment().from_string("{{ row.missing }}").render(row={})


def test_the_same_catalog_renders_the_same_bytes(tiny_catalog: Catalog, tiny_rendered) -> None:
    """Rendering is reproducible: no dates, no unordered sets."""
    assert publish.render(tiny_catalog) == tiny_rendered


def test_write_tree_writes_changes_only_and_removes_orphans(tmp_path: Path, tiny_rendered) -> None:
    """A second write changes nothing; a stale file is rewritten; a file nothing produces is removed."""
    first = publish.write_tree(tmp_path, tiny_rendered)
    assets = sum(1 for p in publish.ASSETS.rglob("*") if p.is_file())
    assert first == len(tiny_rendered) + 2 * assets  # the assets go to both languages
    assert publish.write_tree(tmp_path, tiny_rendered) == 0
    (tmp_path / "es" / "modelos" / "gone.md").write_text("old", encoding="utf-8")
    (tmp_path / "es" / "semilla.md").write_text("edited by hand", encoding="utf-8")
    assert publish.write_tree(tmp_path, tiny_rendered) == 2
    assert not (tmp_path / "es" / "modelos" / "gone.md").exists()
    assert (tmp_path / "es" / "semilla.md").read_text(encoding="utf-8") == tiny_rendered[Path("es/semilla.md")]


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
