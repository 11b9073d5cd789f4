"""The GPU catalog: coverage, unique names, sold memory sizes, dense throughput and Apple's GPU share."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlparse

import pytest

from knowledge.errors import UnknownGpu
from knowledge.estimator.catalog import Catalog, Gpu, load_catalog, normalize


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _key(name: str) -> str:
    """How the catalog compares names: lower-case, punctuation and spaces dropped."""
    return normalize(name).replace(" ", "")


def _ids(catalog: Catalog) -> set[str]:
    return {gpu.id for gpu in catalog.gpus}


def test_catalog_lists_at_least_forty_gpus_in_every_segment(catalog: Catalog) -> None:
    """There are 40+ GPUs and every segment (consumer, workstation, datacenter, Apple) has entries."""
    assert len(catalog.gpus) >= 40
    segments = {gpu.segment for gpu in catalog.gpus}
    assert segments == {"consumer", "workstation", "datacenter", "apple"}
    assert {gpu.vendor for gpu in catalog.gpus} >= {"nvidia", "amd", "apple"}


def test_ids_and_display_names_are_unique(catalog: Catalog) -> None:
    """No two GPUs share an id or a display name."""
    ids = [gpu.id for gpu in catalog.gpus]
    names = [gpu.name for gpu in catalog.gpus]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))


def test_no_name_or_alias_points_at_two_gpus(catalog: Catalog) -> None:
    """Every id, name and alias, compared as the lookup compares them, belongs to one GPU only."""
    owners: dict[str, set[str]] = defaultdict(set)
    for gpu in catalog.gpus:
        for name in (gpu.id, gpu.name, *gpu.aliases):
            owners[_key(name)].add(gpu.id)
    shared = {key: sorted(ids) for key, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_every_alias_finds_its_own_gpu(catalog: Catalog) -> None:
    """Typing any listed alias, id or name finds that very GPU."""
    wrong = [
        (name, gpu.id, catalog.find_gpu(name).id)
        for gpu in catalog.gpus
        for name in (gpu.id, gpu.name, *gpu.aliases)
        if catalog.find_gpu(name).id != gpu.id
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("typed", "gpu_id"),
    [
        ("4060", "rtx-4060"),
        ("RTX 3090", "rtx-3090"),
        ("rtx4090", "rtx-4090"),
        ("RTX 4070", "rtx-4070"),
        ("rtx 4080", "rtx-4080"),
        ("A100", "a100-80gb"),
        ("H100", "h100-sxm"),
        ("3060 12gb", "rtx-3060-12gb"),
        ("3060", "rtx-3060-12gb"),
        ("4060 ti", "rtx-4060-ti-8gb"),
        ("4060 ti 16gb", "rtx-4060-ti-16gb"),
        ("RTX 4060 Ti 16 GB", "rtx-4060-ti-16gb"),
        ("a100 40gb", "a100-40gb"),
        ("h100 pcie", "h100-pcie"),
        ("H200", "h200"),
        ("T4", "t4"),
        ("GTX 1080 Ti", "gtx-1080-ti"),
        ("rx 7900 xtx", "rx-7900-xtx"),
        ("MI300X", "mi300x"),
        ("M2 Max 64GB", "apple-m2-max-64gb"),
        ("Mac Studio M2 Ultra 192GB", "apple-m2-ultra-192gb"),
        ("m1", "apple-m1-8gb"),
    ],
    ids=lambda value: str(value),
)
def test_names_people_type_resolve(catalog: Catalog, typed: str, gpu_id: str) -> None:
    """The seed's GPUs and the common ways of typing a card resolve to the intended entry."""
    assert catalog.find_gpu(typed).id == gpu_id


@pytest.mark.parametrize(
    "gpu_id",
    [
        "rtx-3090",
        "rtx-4060",
        "rtx-4070",
        "rtx-4080",
        "rtx-4090",
        "a100-40gb",
        "a100-80gb",
        "h100-sxm",
        "h100-pcie",
        "h100-nvl",
        "h200",
        "b200",
        "t4",
        "v100-16gb",
        "v100-32gb",
        "a10",
        "a10g",
        "l4",
        "l40s",
        "rtx-a6000",
        "rtx-6000-ada",
        "rx-7900-xtx",
        "mi250x",
        "mi300x",
        "rtx-3060-12gb",
        "rtx-4060-ti-8gb",
        "rtx-4060-ti-16gb",
        "rtx-5090",
        "gtx-1080-ti",
        "rtx-2080-ti",
    ],
)
def test_ids_other_modules_rely_on_exist(catalog: Catalog, gpu_id: str) -> None:
    """The ids the estimator, bots and site use are in the catalog."""
    assert gpu_id in _ids(catalog)


@pytest.mark.parametrize("chip", ["m1", "m2", "m3", "m4"])
@pytest.mark.parametrize("tier", ["", "-pro", "-max"])
def test_every_apple_chip_tier_is_present(catalog: Catalog, chip: str, tier: str) -> None:
    """M1 to M4 base, Pro and Max each have at least one memory size."""
    assert any(
        gpu.id.startswith(f"apple-{chip}{tier}-") and gpu.id[len(f"apple-{chip}{tier}-")].isdigit()
        for gpu in catalog.gpus
    )


@pytest.mark.parametrize(
    ("gpu_id", "gib"),
    [
        ("rtx-4060", 8),
        ("rtx-3090", 24),
        ("gtx-1080-ti", 11),
        ("rtx-3080-10gb", 10),
        ("rtx-5090", 32),
        ("a100-40gb", 40),
        ("h100-sxm", 80),
        ("h100-nvl", 94),
        ("h200", 141),
        ("mi300x", 192),
        ("apple-m2-ultra-192gb", 192),
    ],
)
def test_memory_is_the_sold_size_in_gib(catalog: Catalog, gpu_id: str, gib: float) -> None:
    """An "8 GB" card is listed with 8 GiB: the marketing size, read as binary."""
    assert catalog.gpu(gpu_id).memory_gib == gib


def test_a_size_in_the_id_matches_the_memory(catalog: Catalog) -> None:
    """Every id that ends in a size ("-64gb") carries exactly that much memory."""
    mismatched = []
    for gpu in catalog.gpus:
        match = re.search(r"-(\d+)gb$", gpu.id)
        if match and float(match.group(1)) != gpu.memory_gib:
            mismatched.append(gpu.id)
    assert mismatched == []


def test_cards_sold_in_several_sizes_have_one_entry_per_size(catalog: Catalog) -> None:
    """The 3060, 3080, 4060 Ti, A100 and V100 each appear once per memory size, all findable by size."""
    for typed, sizes in [
        ("rtx 3060", (8, 12)),
        ("rtx 3080", (10, 12)),
        ("rtx 4060 ti", (8, 16)),
        ("a100", (40, 80)),
        ("v100", (16, 32)),
        ("m3 max", (36, 48, 64, 96, 128)),
    ]:
        found = {catalog.find_gpu(f"{typed} {size}gb").memory_gib for size in sizes}
        assert found == {float(size) for size in sizes}, typed


def test_apple_gpus_may_use_only_their_share_of_unified_memory(catalog: Catalog) -> None:
    """Apple entries wire about 2/3 of RAM up to 36 GB and 3/4 above, and usable memory reflects it."""
    apple = [gpu for gpu in catalog.gpus if gpu.vendor == "apple"]
    assert len(apple) >= 30
    for gpu in apple:
        expected = 2 / 3 if gpu.memory_gib <= 36 else 3 / 4
        assert gpu.gpu_memory_share == pytest.approx(expected, abs=0.005), gpu.id
        assert gpu.usable_memory_gib == pytest.approx(gpu.memory_gib * gpu.gpu_memory_share)
        assert gpu.usable_memory_gib < gpu.memory_gib
    assert catalog.find_gpu("M2 Max 64GB").usable_memory_gib == pytest.approx(48)
    assert catalog.find_gpu("M1 Max 32GB").usable_memory_gib == pytest.approx(21.3, abs=0.1)


def test_discrete_cards_use_all_their_memory(catalog: Catalog) -> None:
    """Every non-Apple GPU may use its whole memory."""
    for gpu in catalog.gpus:
        if gpu.vendor != "apple":
            assert gpu.usable_memory_gib == gpu.memory_gib, gpu.id


def test_every_entry_cites_a_web_source(catalog: Catalog) -> None:
    """Each GPU's source is an https URL."""
    for gpu in catalog.gpus:
        url = urlparse(gpu.source)
        assert url.scheme == "https" and "." in url.netloc, gpu.id


def _in_range(gpu: Gpu) -> bool:
    return 60 <= gpu.memory_bandwidth_gb_s <= 10_000 and 2 <= gpu.fp16_tensor_tflops <= 2_500


def test_bandwidth_and_throughput_are_in_sane_ranges(catalog: Catalog) -> None:
    """Bandwidth sits between 60 GB/s and 10 TB/s and dense fp16 between 2 and 2,500 TFLOPS."""
    assert [gpu.id for gpu in catalog.gpus if not _in_range(gpu)] == []


@pytest.mark.parametrize(
    ("gpu_id", "tflops"),
    [
        ("rtx-4090", 165.2),  # Ada whitepaper: fp16 tensor, fp32 accumulate, dense
        ("rtx-3090", 71),  # GA102 whitepaper: 71 dense with fp32 accumulate
        ("rtx-2080-ti", 53.8),  # Turing whitepaper, reference clocks
        ("a100-80gb", 312),  # datasheet: 312 dense, 624 with sparsity
        ("h100-sxm", 989),  # datasheet: 1,979 with sparsity
        ("mi300x", 1307.4),  # datasheet: dense fp16
    ],
)
def test_throughput_is_dense_not_the_sparsity_figure(catalog: Catalog, gpu_id: str, tflops: float) -> None:
    """Tensor throughput is the dense figure vendors print, not the doubled 2:4 sparsity one."""
    assert catalog.gpu(gpu_id).fp16_tensor_tflops == pytest.approx(tflops, rel=0.01)


def test_hbm_cards_outrun_gddr_cards_on_bandwidth(catalog: Catalog) -> None:
    """H100 SXM, H200 and MI300X read memory faster than any GeForce card."""
    geforce = max(gpu.memory_bandwidth_gb_s for gpu in catalog.gpus if gpu.segment == "consumer")
    for gpu_id in ("h100-sxm", "h200", "mi300x", "b200"):
        assert catalog.gpu(gpu_id).memory_bandwidth_gb_s > geforce


def test_prices_and_years_are_plausible(catalog: Catalog) -> None:
    """Launch prices are between $200 and $50,000 and release years between 2016 and 2026."""
    for gpu in catalog.gpus:
        assert gpu.release_year is not None and 2016 <= gpu.release_year <= 2026, gpu.id
        if gpu.price_usd is not None:
            assert 200 <= gpu.price_usd <= 50_000, gpu.id
    assert catalog.gpu("rtx-4060").price_usd == 299
    assert catalog.gpu("rtx-4090").price_usd == 1599


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("4600", "GeForce RTX 4060"), ("rtx 9090", "GeForce RTX 4090"), ("4090 ti", "GeForce RTX 4090")],
)
def test_unknown_gpu_suggests_near_names(catalog: Catalog, typed: str, suggested: str) -> None:
    """A GPU the catalog lacks raises UnknownGpu naming close matches."""
    with pytest.raises(UnknownGpu) as raised:
        catalog.find_gpu(typed)
    assert suggested in raised.value.suggestions
    assert "Did you mean" in str(raised.value)
