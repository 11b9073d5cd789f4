"""The GPU catalog: coverage, unique names, sold memory sizes, dense throughput and Apple's GPU share."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlparse

import pytest

from knowledge.errors import UnknownGpu
from knowledge.estimator.catalog import Catalog, Gpu, load_catalog
from knowledge.folding import name_key


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _key(name: str) -> str:
    """How the catalog compares names: lower-case, punctuation and spaces dropped."""
    return name_key(name)


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


def test_colabs_t4_exposes_what_pytorch_reports() -> None:
    """A 16 GiB T4 keeps 1/16 for ECC and the driver's reserve: what Colab's PyTorch reports, by hand.

    16 GiB x 15/16 = 15 GiB (nvidia-smi: 15,360 MiB); the driver keeps max(0.25, 1.5% x 15 = 0.225) = 0.25 GiB;
    15 - 0.25 = 14.75 GiB, the "total capacity of 14.75 GiB" of Colab's T4 (hpcaitech/Open-Sora issue 697).
    """
    t4 = load_catalog().gpu("t4")
    assert t4.ecc_on_by_default
    assert t4.usable_memory_gib == pytest.approx(14.75)
    assert t4.usable_memory_bytes == int(14.75 * 2**30)


@pytest.mark.parametrize(
    ("gpu_id", "usable_gib"),
    [
        ("rtx-4090", 24 - 0.015 * 24),  # 23.64 GiB: PyTorch's total capacity on a 4090 (ali-vilab/VGen 104)
        ("rtx-3070", 8 - 0.25),  # 1.5% of 8 is 0.12 < 0.25; PyTorch reports 7.78 (akshitac8/OW-DETR 46)
        ("h100-sxm", 80 - 0.015 * 80),  # 78.8 GiB
        ("l4", 24 * 15 / 16 - 0.015 * 24 * 15 / 16),  # ECC on: 22.5 GiB, then 1.5% of it: 22.1625
    ],
)
def test_dedicated_memory_loses_the_driver_reserve(catalog: Catalog, gpu_id: str, usable_gib: float) -> None:
    """A discrete card's usable memory is its size less ECC (where on by default) less the driver's reserve."""
    assert catalog.gpu(gpu_id).usable_memory_gib == pytest.approx(usable_gib)


def test_no_dedicated_card_is_taken_at_its_full_size(catalog: Catalog) -> None:
    """Every discrete card keeps at least 0.25 GiB for the driver and never more than 8%."""
    for gpu in catalog.gpus:
        if not gpu.unified_memory:
            kept = gpu.memory_gib - gpu.usable_memory_gib
            assert 0.25 <= kept <= 0.08 * gpu.memory_gib + 0.25, gpu.id


@pytest.mark.parametrize(
    ("gpu_id", "expected"),
    [
        # V100 (Volta, cc 7.0): tensor cores but fp16 only; flash-attn 2 needs Ampere or later.
        ("v100-16gb", {"bf16": False, "fp8": False, "fp4": False, "flash_attention_2": False, "tensor_cores": True}),
        # T4 (Turing, cc 7.5): same, no bf16, no FlashAttention 2.
        ("t4", {"bf16": False, "flash_attention_2": False, "tensor_cores": True, "compute_capability": "7.5"}),
        # GTX 1080 Ti (Pascal, cc 6.1): no tensor cores at all.
        ("gtx-1080-ti", {"bf16": False, "tensor_cores": False, "compute_capability": "6.1"}),
        # A100 (cc 8.0): bf16 and FA2, no FP8 (that came with Ada and Hopper).
        ("a100-80gb", {"bf16": True, "fp8": False, "flash_attention_2": True, "compute_capability": "8.0"}),
        # RTX 4090 (Ada, cc 8.9): FP8 tensor cores; FA3 is Hopper-only.
        ("rtx-4090", {"fp8": True, "fp4": False, "flash_attention_3": False, "compute_capability": "8.9"}),
        # H100 (Hopper, cc 9.0): FP8 and FlashAttention 3.
        ("h100-sxm", {"fp8": True, "flash_attention_3": True, "fp4": False, "compute_capability": "9.0"}),
        # RTX 5090 (Blackwell, cc 12.0): FP4 tensor cores.
        ("rtx-5090", {"fp4": True, "fp8": True, "bf16": True, "compute_capability": "12.0"}),
        # B200 (Blackwell, cc 10.0): FP4, not FA3.
        ("b200", {"fp4": True, "flash_attention_3": False, "compute_capability": "10.0"}),
        # MI300X (CDNA3, gfx942): FP8 on ROCm, FlashAttention 2 through the CK backend.
        ("mi300x", {"backend": "rocm", "fp8": True, "fp4": False, "isa": "gfx942", "flash_attention_2": True}),
        # Apple M4 Max: Metal, no CUDA compute capability, no FlashAttention package.
        ("apple-m4-max-36gb", {"backend": "metal", "compute_capability": None, "flash_attention_2": False}),
        # Intel Arc: XMX matrix engines, XPU backend, no flash-attn.
        ("arc-b580", {"backend": "xpu", "tensor_cores": True, "fp8": False, "flash_attention_2": False}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_what_each_card_can_run(catalog: Catalog, gpu_id: str, expected: dict[str, object]) -> None:
    """Capabilities match the vendors' architecture documents and flash-attn's README."""
    gpu = catalog.gpu(gpu_id)
    assert {name: getattr(gpu, name) for name in expected} == expected


def test_backends_follow_vendors_and_fa3_only_on_hopper(catalog: Catalog) -> None:
    """CUDA is NVIDIA, ROCm AMD, Metal Apple, XPU Intel; FlashAttention 3 is Hopper only; FP4 implies FP8."""
    backend = {"nvidia": "cuda", "amd": "rocm", "apple": "metal", "intel": "xpu"}
    for gpu in catalog.gpus:
        assert gpu.backend == backend[gpu.vendor], gpu.id
        assert not gpu.flash_attention_3 or gpu.architecture == "hopper", gpu.id
        assert not gpu.fp4 or gpu.fp8, gpu.id
        assert not gpu.fp8 or gpu.bf16, gpu.id
        assert (gpu.compute_capability is not None) == (gpu.vendor == "nvidia"), gpu.id


def test_every_entry_has_a_form_factor_and_capability_source(catalog: Catalog) -> None:
    """Each GPU says its class of machine and where its capabilities come from (https pages)."""
    for gpu in catalog.gpus:
        assert gpu.form_factor in {"desktop", "laptop", "workstation", "server", "unified", "embedded"}
        for url in gpu.capability_source.split(" ; "):
            assert urlparse(url).scheme == "https", gpu.id
        if gpu.unified_memory or gpu.ecc_on_by_default or gpu.stated_usable_memory_gib is not None:
            assert gpu.memory_source and gpu.memory_source.startswith("https://"), gpu.id
    assert {gpu.form_factor for gpu in catalog.gpus if gpu.vendor == "apple"} == {"unified"}


def test_every_price_says_its_kind_and_date(catalog: Catalog) -> None:
    """A price is a launch or a street price, dated YYYY-MM, never before the card's release year."""
    for gpu in catalog.gpus:
        if gpu.price_usd is None:
            continue
        assert gpu.price_kind in {"launch", "street"}, gpu.id
        assert gpu.price_date is not None and re.fullmatch(r"20\d\d-\d\d", gpu.price_date), gpu.id
        assert gpu.release_year is not None and int(gpu.price_date[:4]) >= gpu.release_year, gpu.id
    assert (catalog.gpu("rtx-4090").price_kind, catalog.gpu("rtx-4090").price_date) == ("launch", "2022-10")


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
    """Prices are between $100 (GTX 1650: $149) and $50,000 and release years between 2016 and 2026."""
    for gpu in catalog.gpus:
        assert gpu.release_year is not None and 2016 <= gpu.release_year <= 2026, gpu.id
        if gpu.price_usd is not None:
            assert 100 <= gpu.price_usd <= 50_000, gpu.id
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


def test_the_catalog_reaches_late_2026_with_130_machines(catalog: Catalog) -> None:
    """At least 130 machines, with the families issue 10 names, each class of machine present."""
    assert len(catalog.gpus) >= 130
    for gpu_id in (
        "gtx-1650", "gtx-1660-super", "gtx-1660-ti", "tesla-p40", "tesla-p100-16gb", "rtx-pro-6000-blackwell",
        "rtx-4000-ada", "rtx-2000-ada", "rtx-a4000", "rtx-a4500", "l40", "rtx-4060-laptop", "rtx-4090-laptop",
        "rtx-5090-laptop", "rx-9070", "rx-9070-xt", "rx-7600-xt", "rx-7900-gre", "arc-pro-b60", "h20", "b300",
        "gb200", "gb300", "mi210", "mi325x", "mi355x", "jetson-agx-orin-32gb", "jetson-agx-orin-64gb",
        "jetson-agx-thor", "dgx-spark", "ryzen-ai-max-395-128gb", "ryzen-ai-max-395-64gb", "apple-m4-16gb",
        "apple-m4-pro-24gb", "apple-m4-max-128gb", "apple-m3-ultra-512gb", "apple-m5-16gb", "apple-m5-32gb",
    ):  # fmt: skip
        assert gpu_id in _ids(catalog), gpu_id
    assert {gpu.form_factor for gpu in catalog.gpus} == {
        "desktop", "laptop", "workstation", "server", "unified", "embedded"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "gpu_id"),
    [
        ("5090", "rtx-5090"),
        ("Strix Halo", "ryzen-ai-max-395-128gb"),
        ("Ryzen AI Max+ 395", "ryzen-ai-max-395-128gb"),
        ("strix halo 64gb", "ryzen-ai-max-395-64gb"),
        ("Spark", "dgx-spark"),
        ("DGX Spark", "dgx-spark"),
        ("GB10", "dgx-spark"),
        ("4060 Ti de 16", "rtx-4060-ti-16gb"),
        ("4060 ti 16gb", "rtx-4060-ti-16gb"),
        ("3060 de 8", "rtx-3060-8gb"),
        ("m2 ultra 192gb", "apple-m2-ultra-192gb"),
        ("4090 laptop", "rtx-4090-laptop"),
        ("RTX 5090 Laptop", "rtx-5090-laptop"),
        ("RTX PRO 6000", "rtx-pro-6000-blackwell"),
        ("P40", "tesla-p40"),
        ("GTX 1660 Super", "gtx-1660-super"),
        ("RX 9070 XT", "rx-9070-xt"),
        ("MI355X", "mi355x"),
        ("Jetson AGX Orin", "jetson-agx-orin-64gb"),
        ("M5", "apple-m5-16gb"),
    ],
    ids=lambda value: str(value),
)
def test_names_people_type_for_new_machines_resolve(catalog: Catalog, typed: str, gpu_id: str) -> None:
    """Nicknames and sizes people type find the intended machine, never a neighbour."""
    assert catalog.find_gpu(typed).id == gpu_id


@pytest.mark.parametrize(
    ("laptop", "desktop", "laptop_gib", "desktop_gib"),
    [
        ("rtx-4090-laptop", "rtx-4090", 16, 24),  # AD103 with 16 GB, not the desktop AD102's 24
        ("rtx-4080-laptop", "rtx-4080", 12, 16),
        ("rtx-4070-laptop", "rtx-4070", 8, 12),
        ("rtx-5090-laptop", "rtx-5090", 24, 32),
    ],
)
def test_laptop_gpus_carry_their_own_memory(
    catalog: Catalog, laptop: str, desktop: str, laptop_gib: float, desktop_gib: float
) -> None:
    """A laptop GPU is its own entry with the memory NVIDIA's laptop pages list, in the laptop class."""
    assert (catalog.gpu(laptop).memory_gib, catalog.gpu(desktop).memory_gib) == (laptop_gib, desktop_gib)
    assert catalog.gpu(laptop).form_factor == "laptop"
    assert catalog.gpu(laptop).price_usd is None


def test_strix_halo_gpu_share_depends_on_the_os() -> None:
    """Ryzen AI Max+ 395 128 GB: 96 GB on Windows (Variable Graphics Memory, 75%), half under Linux's default GTT.

    By hand: 128 x 0.75 = 96 GiB (AMD's own "96GB of Variable Graphics Memory"); 128 x 0.5 = 64 GiB (amdgpu's
    default GTT size, half of system RAM). The first OS listed, Windows, is the default.
    """
    halo = load_catalog().gpu("ryzen-ai-max-395-128gb")
    assert halo.unified_memory and halo.default_os == "windows"
    assert halo.usable_memory_gib == pytest.approx(96)
    assert halo.usable_memory_gib_on("windows") == pytest.approx(96)
    assert halo.usable_memory_gib_on("linux") == pytest.approx(64)
    assert halo.usable_memory_gib_on("macos") == pytest.approx(96)  # not listed: the default OS's share
    assert halo.driver_reserve_gib == 0


def test_apple_m5_usable_memory_by_hand() -> None:
    """A 32 GB M5 wires 2/3 of its memory for the GPU: 32 x 0.667 = 21.34 GiB, and it has neural accelerators."""
    m5 = load_catalog().gpu("apple-m5-32gb")
    assert m5.usable_memory_gib == pytest.approx(32 * 0.667)
    assert (m5.backend, m5.tensor_cores, m5.flash_attention_2) == ("metal", True, False)
    assert load_catalog().gpu("apple-m4-max-128gb").usable_memory_gib == pytest.approx(128 * 0.75)


def test_dgx_spark_keeps_what_dgx_os_leaves_free() -> None:
    """DGX Spark: CUDA finds 101.3-102.2 GiB free of 128 at boot, headless: 128 x 0.79 = 101.12 GiB usable."""
    spark = load_catalog().gpu("dgx-spark")
    assert spark.usable_memory_gib == pytest.approx(101.12)
    assert (spark.fp4, spark.compute_capability, spark.form_factor) == (True, "12.1", "unified")


def test_gtx_16_cards_have_no_tensor_cores_and_mi355x_runs_fp4(catalog: Catalog) -> None:
    """GTX 16 Turing chips lack tensor cores (unlike the RTX 20 ones); CDNA4 adds native FP4, CDNA3 does not."""
    assert not catalog.gpu("gtx-1660-super").tensor_cores and catalog.gpu("rtx-2060-6gb").tensor_cores
    assert catalog.gpu("mi355x").fp4 and not catalog.gpu("mi325x").fp4
    assert catalog.gpu("h20").flash_attention_3 and not catalog.gpu("b300").flash_attention_3
