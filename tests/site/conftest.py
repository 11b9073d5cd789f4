"""Shared fixtures for the site tests: a small real catalog, its rendered pages, and one strict build of the
real catalog (both languages) per session."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.sitegen import publish
from bot.sitegen.build import build_site
from knowledge.estimator.catalog import Catalog, SeedRow, load_catalog

from .htmlcheck import Site


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def tiny_catalog(catalog: Catalog) -> Catalog:
    """Two real models (dense MHA and GQA with a sliding window), two real GPUs, one seed row each table."""
    models = [catalog.model("llama-2-7b"), catalog.model("mistral-7b-v0.1")]
    gpus = [catalog.gpu("rtx-4060"), catalog.gpu("a100-80gb")]
    seed = [
        SeedRow(
            id="seed-inf-tiny",
            table="inference",
            cells=("LLaMA 7B", "8GB", "16GB", "Funciona en RTX 4060 / 4070."),
            model_id="llama-2-7b",
            vram_gb=8,
            ram_gb=16,
            holds_for={"task": "inference", "precision": "q4_k_m", "runtime": "llama.cpp"},
            note_es="Solo cuantizado.",
            note_en="Only quantized.",
        ),
        SeedRow(
            id="seed-train-tiny",
            table="training",
            cells=("Modelo 6B-13B", "24GB-32GB", "64GB", "Necesita una RTX 3090 / 4090."),
            model_id="mistral-7b-v0.1",
            vram_gb=24,
            ram_gb=64,
            holds_for={"task": "lora"},
        ),
    ]
    return Catalog(models, gpus, seed)


@pytest.fixture(scope="session")
def tiny_rendered(tiny_catalog: Catalog) -> dict[Path, str]:
    """Every generated file for the tiny catalog, keyed by its path in the build tree."""
    return publish.render(tiny_catalog)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalog built strictly, both languages, as `vrambot site build` does (one build per session)."""
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(out)
    return out


def site_base_path() -> str:
    """The path of mkdocs.yml's site_url ("/vrambot/"), where root-relative links start."""
    text = (publish.ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    url = re.search(r"^site_url:\s*(\S+)", text, re.MULTILINE)
    return urlsplit(url.group(1)).path if url else "/"


@pytest.fixture(scope="session")
def site(built_site: Path) -> Site:
    return Site(built_site, site_base_path())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
