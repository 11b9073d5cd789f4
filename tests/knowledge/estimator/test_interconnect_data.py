"""interconnect.yaml: every GPU it names is in the catalog, every figure has a source."""

from __future__ import annotations

from knowledge import load_catalog
from knowledge.estimator.layout import interconnect


def test_every_named_gpu_exists_and_has_a_source() -> None:
    ids = {g.id for g in load_catalog().gpus}
    data = interconnect()
    for entry in (*data.fabric, *data.pcie_generation):
        assert entry.gpu in ids, entry.gpu
        assert entry.source.strip()
    assert {f.link for f in data.fabric} <= set(data.links)
