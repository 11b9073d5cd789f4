"""The model catalog: architectures that reproduce official parameter counts, names people type, clear load errors."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.errors import CatalogError
from knowledge.estimator import catalog as catalog_module
from knowledge.estimator.catalog import Catalog, Model, load_catalog
from knowledge.estimator.data_files import PACKAGE_DATA
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job
from knowledge.estimator.precision import bits, resolve
from knowledge.folding import name_key

MODELS: tuple[Model, ...] = catalog_module._load("models.yaml", Model, "models")
BY_ID = {model.id: model for model in MODELS}
MOE = [model for model in MODELS if model.is_moe]

# Ids other modules (seed table, estimator tests, site) already use.
REQUIRED_IDS = [
    "gpt2",
    "gpt2-medium",
    "gpt2-large",
    "gpt2-xl",
    "gpt-j-6b",
    "gpt-3-175b",
    "llama-7b",
    "llama-13b",
    "llama-30b",
    "llama-65b",
    "llama-2-7b",
    "llama-2-13b",
    "llama-2-70b",
    "llama-3-8b",
    "llama-3-70b",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "llama-3.1-405b",
    "llama-3.2-1b",
    "llama-3.2-3b",
    "llama-3.3-70b",
    "mistral-7b-v0.1",
    "mistral-7b-v0.2",
    "mistral-7b-v0.3",
    "mixtral-8x7b",
    "mixtral-8x22b",
    "falcon-7b",
    "falcon-40b",
    "falcon-180b",
    "starcoder",
    "tinyllama-1.1b",
    "deepseek-v3",
    "deepseek-r1",
    "qwen2.5-0.5b",
    "qwen2.5-1.5b",
    "qwen2.5-3b",
    "qwen2.5-7b",
    "qwen2.5-14b",
    "qwen2.5-32b",
    "qwen2.5-72b",
    "gemma-2-2b",
    "gemma-2-9b",
    "gemma-2-27b",
    "phi-1.5",
    "phi-2",
    "phi-3-mini",
    "phi-3-medium",
    "codellama-7b",
    "codellama-13b",
    "codellama-34b",
    # issue 10: the catalog to late 2026
    "llama-4-scout",
    "llama-4-maverick",
    "llama-3.2-11b-vision",
    "llama-3.2-90b-vision",
    "gemma-3-1b",
    "gemma-3-4b",
    "gemma-3-12b",
    "gemma-3-27b",
    "gemma-3n-e2b",
    "gemma-3n-e4b",
    "gpt-oss-20b",
    "gpt-oss-120b",
    "qwen3-0.6b",
    "qwen3-1.7b",
    "qwen3-235b-a22b",
    "qwen3-coder-30b-a3b",
    "qwen3-coder-480b-a35b",
    "qwen3-next-80b-a3b",
    "qwen2.5-coder-7b",
    "qwen2.5-coder-32b",
    "qwq-32b",
    "deepseek-v3.1",
    "deepseek-v3.2",
    "deepseek-r1-distill-qwen-1.5b",
    "deepseek-r1-distill-qwen-7b",
    "deepseek-r1-distill-qwen-14b",
    "deepseek-r1-distill-qwen-32b",
    "deepseek-r1-distill-llama-8b",
    "deepseek-r1-distill-llama-70b",
    "mistral-nemo-12b",
    "mistral-small-3",
    "mistral-small-3.1",
    "mistral-small-3.2",
    "mistral-large-2",
    "codestral-22b",
    "devstral-small",
    "magistral-small",
    "phi-4-mini",
    "phi-4-reasoning",
    "phi-3.5-moe",
    "kimi-k2",
    "glm-4.5",
    "glm-4.5-air",
    "glm-4.6",
    "minimax-m2",
    "command-r",
    "command-r-plus",
    "command-a",
    "llama-3.1-nemotron-70b",
    "llama-3.1-nemotron-51b",
    "llama-3.3-nemotron-super-49b",
    "granite-3.3-8b",
    "granite-3.3-2b",
    "olmo-2-7b",
    "olmo-2-13b",
    "olmo-2-32b",
    "smollm2-1.7b",
    "smollm3-3b",
    "falcon3-7b",
    "falcon3-10b",
    "yi-1.5-34b",
]

REQUIRED_FAMILIES = {
    "gpt-2",
    "gpt-j",
    "gpt-3",
    "llama",
    "llama-2",
    "codellama",
    "llama-3",
    "llama-3.1",
    "llama-3.2",
    "llama-3.3",
    "mistral",
    "mixtral",
    "falcon",
    "qwen2.5",
    "gemma-2",
    "phi",
    "phi-3",
    "starcoder",
    "tinyllama",
    "deepseek-v3",
}


def _key(text: str) -> str:
    """The compact form the catalog matches names on."""
    return name_key(text)


def _published_range(figure: int) -> tuple[int, int]:
    """Counts a published figure can stand for: within 1%, or rounded or truncated to its last digit.

    "37B" is 36.5B-37.5B if rounded and 37B-38B if truncated (vendors do both); an exact count gets the 1%.
    """
    zeros = len(str(figure)) - len(str(figure).rstrip("0"))
    unit: int = 10**zeros if zeros else 0
    slack = figure // 100
    return figure - max(slack, unit // 2), figure + max(slack, unit)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_computed_params_match_the_official_count(model: Model) -> None:
    """The count computed from the layer list is within 1% of an exact published count, or within the rounding
    of a rounded one ("355B"); where it is not, the entry says why, and is still within 5%."""
    low, high = _published_range(model.params_official)
    matches = low <= model.params < high
    if model.params_gap_reason:
        assert not matches, f"{model.id}: the count matches, drop params_gap_reason"
        assert abs(model.params - model.params_official) / model.params_official <= 0.05, model.id
    else:
        assert matches, f"{model.id}: computed {model.params:,} vs official {model.params_official:,}"


@pytest.mark.parametrize("model", MOE, ids=lambda m: m.id)
def test_moe_active_params_match_the_published_active_count(model: Model) -> None:
    """Active parameters (top-k plus shared experts) match the published figure within 1% or its rounding."""
    assert model.params_active_official is not None, f"{model.id}: an MoE model needs params_active_official"
    active = model.active_params
    if model.params_active_excludes_embeddings:
        active -= model.architecture.embedding_params()
    low, high = _published_range(model.params_active_official)
    assert low <= active < high, f"{model.id}: computed {active:,} vs published {model.params_active_official:,}"
    assert active < model.params < 50 * active  # Kimi K2: 1T total for 32B active


def test_deepseek_active_count_needs_its_embedding_convention() -> None:
    """DeepSeek counts 37B without the embedding table: 36.6B rounds to 37B, 37.6B with it would round to 38B."""
    model = BY_ID["deepseek-v3"]
    assert round(model.active_params / 1e9) == 38
    assert round((model.active_params - model.architecture.embedding_params()) / 1e9) == 37


def test_the_catalog_has_every_required_model_and_family() -> None:
    """Every model the issues name is present under the id other modules use, at least 150 in all."""
    assert len(MODELS) >= 150
    assert set(REQUIRED_IDS) <= BY_ID.keys()
    assert {model.family for model in MODELS} >= REQUIRED_FAMILIES


def test_names_and_aliases_point_to_one_model_each() -> None:
    """No id, name or alias, compacted the way the catalog matches them, belongs to two models."""
    owner: dict[str, str] = {}
    clashes = []
    for model in MODELS:
        for name in (model.id, model.name, *model.aliases):
            key = _key(name)
            if owner.setdefault(key, model.id) != model.id:
                clashes.append((name, owner[key], model.id))
    assert clashes == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_aliases_are_lower_case_and_never_a_bare_size(model: Model) -> None:
    """Aliases are lower-case, never just a size such as "7b" (the question parser owns sizes) nor org-prefixed."""
    for alias in model.aliases:
        assert alias == alias.lower(), alias
        assert "/" not in alias, f"{alias}: drop the organisation, or its name starts a model in every sentence"
        assert not re.fullmatch(r"[\d.]+[mbt]?", _key(alias)), alias


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_every_model_names_its_source(model: Model) -> None:
    """The architecture comes from a config.json on the Hugging Face Hub, or from the paper."""
    hub = re.fullmatch(r"https://huggingface\.co/[\w.-]+/[\w.-]+/blob/main/config\.json", model.source)
    paper = re.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{5}", model.source)
    assert hub or paper, model.source


TYPED_NAMES = [
    ("llama2 7b", "llama-2-7b"),
    ("Llama 2 7B", "llama-2-7b"),
    ("Llama-2-7b-chat-hf", "llama-2-7b"),
    ("Llama-3.1-8B", "llama-3.1-8b"),
    ("Llama 3.1 8B Instruct", "llama-3.1-8b"),
    ("llama 3 8b", "llama-3-8b"),
    ("LLaMA 7B", "llama-7b"),
    ("llama 65b", "llama-65b"),
    ("LLaMA 33B", "llama-30b"),
    ("mixtral", "mixtral-8x7b"),
    ("Mixtral 8x7B", "mixtral-8x7b"),
    ("mixtral 8x22b", "mixtral-8x22b"),
    ("mistral", "mistral-7b-v0.3"),
    ("mistral 7b", "mistral-7b-v0.3"),
    ("Mistral-7B-Instruct-v0.2", "mistral-7b-v0.2"),
    ("gpt-j", "gpt-j-6b"),
    ("GPT-3 (6B)", "gpt-j-6b"),
    ("GPT-3 175B", "gpt-3-175b"),
    ("gpt2 xl", "gpt2-xl"),
    ("GPT-2", "gpt2"),
    ("Falcon 7B", "falcon-7b"),
    ("falcon-180B-chat", "falcon-180b"),
    ("StarCoder 15.5B", "starcoder"),
    ("starcoder 15b", "starcoder"),
    ("deepseek r1", "deepseek-r1"),
    ("DeepSeek-V3", "deepseek-v3"),
    ("Qwen2.5-7B-Instruct", "qwen2.5-7b"),
    ("qwen 2.5 0.5b", "qwen2.5-0.5b"),
    ("Gemma 2 9B", "gemma-2-9b"),
    ("phi-3 mini", "phi-3-mini"),
    ("Phi-2", "phi-2"),
    ("TinyLlama", "tinyllama-1.1b"),
    ("CodeLlama 34B", "codellama-34b"),
    ("qwen3 30b", "qwen3-30b-a3b"),
    ("Qwen3-8B", "qwen3-8b"),
    ("phi4", "phi-4"),
    ("gpt-oss-20b", "gpt-oss-20b"),
    ("gpt-oss:120b", "gpt-oss-120b"),
    ("qwen3 30b a3b", "qwen3-30b-a3b"),
    ("Qwen3-235B-A22B", "qwen3-235b-a22b"),
    ("Qwen2.5-Coder-32B", "qwen2.5-coder-32b"),
    ("Qwen2.5-Coder-32B-Instruct", "qwen2.5-coder-32b"),
    ("r1 distill qwen 32b", "deepseek-r1-distill-qwen-32b"),
    ("DeepSeek-R1-Distill-Qwen-32B", "deepseek-r1-distill-qwen-32b"),
    ("DeepSeek-R1-Distill-Llama-70B", "deepseek-r1-distill-llama-70b"),
    ("mistral large 2", "mistral-large-2"),
    ("Mistral-Small-3.2-24B-Instruct-2506", "mistral-small-3.2"),
    ("phi 4 mini", "phi-4-mini"),
    ("Phi-4-mini", "phi-4-mini"),
    ("llama 3.2 11b vision", "llama-3.2-11b-vision"),
    ("Llama 4 Scout", "llama-4-scout"),
    ("Llama-4-Maverick-17B-128E-Instruct", "llama-4-maverick"),
    ("Gemma 3 27B", "gemma-3-27b"),
    ("gemma-3n-E4B-it", "gemma-3n-e4b"),
    ("Qwen3-Next-80B-A3B-Instruct", "qwen3-next-80b-a3b"),
    ("Kimi K2", "kimi-k2"),
    ("GLM-4.5-Air", "glm-4.5-air"),
    ("Command R+", "command-r-plus"),
    ("QwQ-32B", "qwq-32b"),
    ("deepseek-r1:7b", "deepseek-r1-distill-qwen-7b"),
    ("r1 distill llama 8b", "deepseek-r1-distill-llama-8b"),
    ("llama3.2-vision", "llama-3.2-11b-vision"),
    ("Mistral-Nemo-Base-2407", "mistral-nemo-12b"),
    ("Command-R-Plus", "command-r-plus"),
    ("Command R", "command-r"),
]


@pytest.mark.parametrize(("typed", "model_id"), TYPED_NAMES, ids=[typed for typed, _ in TYPED_NAMES])
def test_find_model_resolves_names_as_people_type_them(typed: str, model_id: str) -> None:
    """A name typed the way people write it finds the intended model."""
    assert Catalog(MODELS, (), ()).find_model(typed).id == model_id


def test_bare_mistral_means_the_newest_mistral_7b() -> None:
    """Bare "mistral" resolves to the Mistral 7B with the highest version number."""
    versions = [model for model in MODELS if model.family == "mistral"]
    newest = max(versions, key=lambda model: tuple(int(part) for part in model.id.rsplit("v", 1)[1].split(".")))
    assert Catalog(MODELS, (), ()).find_model("mistral") == newest


# KV-cache bytes per token at fp16, 2 (K and V) x layers x KV heads x head_dim x 2 bytes, from
# shared/reference/estimators.md (f).
KV_BYTES_PER_TOKEN = {
    "llama-2-7b": 524_288,
    "llama-2-13b": 819_200,
    "llama-2-70b": 327_680,
    "llama-3-8b": 131_072,
    "llama-3-70b": 327_680,
    "llama-3.1-405b": 516_096,
    "mistral-7b-v0.1": 131_072,
    "mixtral-8x7b": 131_072,
    "qwen2.5-7b": 57_344,
    "qwen2.5-72b": 327_680,
    "gemma-2-9b": 344_064,
    "phi-3-mini": 393_216,
    "falcon-7b": 8_192,
}


@pytest.mark.parametrize(("model_id", "expected"), KV_BYTES_PER_TOKEN.items(), ids=list(KV_BYTES_PER_TOKEN))
def test_kv_bytes_per_token_at_fp16(model_id: str, expected: int) -> None:
    """The cache one token adds, from KV heads and head_dim (MHA, GQA, MQA), matches the reference table."""
    assert BY_ID[model_id].architecture.kv_elements_per_token(1) * 2 == expected


def test_gemma_2_9b_caps_the_cache_of_its_sliding_window_layers() -> None:
    """Gemma 2 9B: 21 of 42 layers keep only the last 4096 tokens, so at 8192 tokens the cache is 3/4 of full."""
    arch = BY_ID["gemma-2-9b"].architecture
    per_layer_token = 2 * 8 * 256
    assert arch.sliding_window_layers == arch.layers // 2
    assert arch.kv_elements_per_token(8192) == 21 * per_layer_token * 8192 + 21 * per_layer_token * 4096
    assert arch.kv_elements_per_token(4096) == 42 * per_layer_token * 4096


def test_deepseek_caches_the_mla_latent_not_full_heads() -> None:
    """DeepSeek V3 caches 512 latent + 64 rotary dims per layer: 70,272 bytes a token at fp16 (report, s2.1.1)."""
    assert BY_ID["deepseek-v3"].architecture.kv_elements_per_token(1) * 2 == (512 + 64) * 61 * 2


def test_tied_embeddings_are_counted_once() -> None:
    """A tied output head adds no parameters: Llama 3.2 1B is its untied twin minus one vocab x hidden matrix."""
    arch = BY_ID["llama-3.2-1b"].architecture
    untied = arch.model_copy(update={"tied_embeddings": False})
    assert untied.total_params() - arch.total_params() == 128256 * 2048


# ---- a malformed models file fails at load, naming the file, the entry and the field -----------------------


def _write_models(directory: Path, entries: Any) -> None:
    (directory / "models.yaml").write_text(yaml.safe_dump({"models": entries}), encoding="utf-8")


def _good_entry() -> dict[str, Any]:
    raw = yaml.safe_load((PACKAGE_DATA / "models.yaml").read_text(encoding="utf-8"))
    entry: dict[str, Any] = copy.deepcopy(next(item for item in raw["models"] if item["id"] == "llama-2-7b"))
    entry["id"] = "bad-model"
    return entry


def _load_from(directory: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Model, ...]:
    monkeypatch.setenv("VRAMBOT_DATA_DIR", str(directory))
    return catalog_module._load("models.yaml", Model, "models")


def test_a_well_formed_file_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture entry itself is valid, so the failures below come from the one field each breaks."""
    _write_models(tmp_path, [_good_entry()])
    assert [model.id for model in _load_from(tmp_path, monkeypatch)] == ["bad-model"]


BREAKAGES = [
    ("negative layers", lambda e: e["architecture"].update(layers=-32), "architecture.layers"),
    ("missing kv_heads", lambda e: e["architecture"].pop("kv_heads"), "architecture.kv_heads"),
    ("text for a count", lambda e: e.update(params_official="seven billion"), "params_official"),
    ("unknown field", lambda e: e["architecture"].update(num_layers=32), "architecture.num_layers"),
    ("heads say gqa", lambda e: e["architecture"].update(kv_heads=8), "architecture"),
]


@pytest.mark.parametrize(("breakage", "field"), [(b, f) for _, b, f in BREAKAGES], ids=[n for n, _, _ in BREAKAGES])
def test_a_malformed_entry_names_file_entry_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: Any, field: str
) -> None:
    """A bad value fails the load with a message naming models.yaml, the entry's id and the field."""
    entry = _good_entry()
    breakage(entry)
    _write_models(tmp_path, [BY_ID["gpt2"].model_dump(mode="json"), entry])
    with pytest.raises(CatalogError) as raised:
        _load_from(tmp_path, monkeypatch)
    message = str(raised.value)
    assert "models.yaml" in message
    assert "'bad-model'" in message
    assert f"field '{field}'" in message


def test_duplicate_ids_fail_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two entries with one id are rejected, naming the id."""
    _write_models(tmp_path, [_good_entry(), _good_entry()])
    with pytest.raises(CatalogError, match=r"models\.yaml: duplicate ids \['bad-model'\]"):
        _load_from(tmp_path, monkeypatch)


def test_a_file_without_a_models_list_fails_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose top level is not a 'models:' list says so."""
    (tmp_path / "models.yaml").write_text("models: {gpt2: 1}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"models\.yaml: expected a top-level 'models:' list"):
        _load_from(tmp_path, monkeypatch)


def test_published_range_reads_the_precision_of_a_figure() -> None:
    """A figure published as 37B covers 36.5B-38B; an exact count is matched within 1%."""
    assert _published_range(37_000_000_000) == (36_500_000_000, 38_000_000_000)
    assert _published_range(3_300_000_000) == (3_250_000_000, 3_400_000_000)
    assert _published_range(12_879_925_248) == (12_879_925_248 - 128_799_252, 12_879_925_248 + 128_799_252)


# ---- native precision ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_native_precision_is_a_known_precision(model: Model) -> None:
    """Every model's release precision is one of precisions.yaml, so a question without one can use it."""
    assert resolve(model.native_precision).id == model.native_precision


def test_a_question_without_a_precision_takes_the_release_precision() -> None:
    """DeepSeek V3 is released in FP8: an estimate naming no precision weighs it in FP8, not 16-bit."""
    result = estimate(Job(model=BY_ID["deepseek-v3"]))
    assert result.job.precision == "fp8"
    assert result.job.precision == BY_ID["deepseek-v3"].native_precision
    assert estimate(Job(model=BY_ID["llama-3.1-8b"])).job.precision == "bf16"


def test_microscaling_formats_count_their_block_scales() -> None:
    """MXFP4: 4-bit E2M1 + one 8-bit E8M0 scale per 32 = 4 + 8/32 = 4.25 bits (OCP MX spec v1.0).
    NVFP4: 4-bit E2M1 + one 8-bit E4M3 scale per 16 = 4 + 8/16 = 4.5 bits (NVIDIA's NVFP4 description)."""
    assert bits("mxfp4") == 4 + 8 / 32 == 4.25
    assert bits("nvfp4") == 4 + 8 / 16 == 4.5
    assert resolve("MXFP4").id == "mxfp4"
    assert resolve("nvfp4").id == "nvfp4"


# ---- release dates and the model a bare size means ----------------------------------------------------------


def _nominal_size(name: str) -> str | None:
    """The size a model's name gives ("Qwen3 30B-A3B" -> "30", "Llama 3.1 8B" -> "8"), if any."""
    match = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)B\b", name, flags=re.IGNORECASE)
    return match.group(1) if match else None


def test_at_most_one_size_default_per_nominal_size() -> None:
    """A bare "8B" or "70B" means one model: the size defaults name their size and never share it."""
    owners: dict[str, list[str]] = {}
    for model in MODELS:
        if model.size_default:
            size = _nominal_size(model.name)
            assert size is not None, f"{model.id}: a size default needs its size in the name"
            owners.setdefault(size, []).append(model.id)
    assert {size: ids for size, ids in owners.items() if len(ids) > 1} == {}
    # The examples: a 7B, an 8B, a 32B and a 70B are current Qwen / Llama 3.1 class models.
    assert owners["8"] == ["llama-3.1-8b"]
    assert owners["70"] == ["llama-3.1-70b"]
    assert owners["32"] == ["qwen3-32b"]
    assert owners["7"] == ["qwen2.5-7b"]


def test_size_defaults_are_plain_current_models() -> None:
    """A bare size never lands on a coder, distill or vision variant, nor on a model older than 2024."""
    for model in MODELS:
        if model.size_default:
            assert not re.search(r"coder|distill|vision|code", model.id), model.id
            assert model.released is not None and model.released >= "2023-07", model.id


def test_every_model_says_when_it_was_released() -> None:
    """Every entry has a YYYY-MM release month, no later than the catalog's date (late 2026)."""
    for model in MODELS:
        assert model.released is not None and "2019-01" <= model.released <= "2026-12", model.id


@pytest.mark.parametrize(
    ("model_id", "gpu_id", "emulated"),
    [
        ("gpt-oss-20b", "rtx-3090", True),  # Ampere: no FP4 units
        ("gpt-oss-20b", "rtx-5090", False),  # Blackwell runs MXFP4 natively
        ("deepseek-r1-distill-qwen-7b", "rtx-3090", False),  # bf16 release: nothing to say
        ("deepseek-v3", "h100-sxm", False),  # Hopper runs FP8 natively
    ],
)
def test_a_release_format_the_gpu_cannot_compute_in_is_said(model_id: str, gpu_id: str, emulated: bool) -> None:
    """A native FP8/FP4 release on a GPU without those units is stated: weight-only kernels, slower than native."""
    catalog = load_catalog()
    result = estimate(Job(model=BY_ID[model_id], gpu=catalog.gpu(gpu_id), gpus=8 if model_id == "deepseek-v3" else 1))
    keys = [assumption.key for assumption in result.assumptions]
    assert ("assume.weight_only" in keys) == emulated


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_every_model_estimates_as_released_in_gguf_and_for_qlora(model: Model) -> None:
    """Each entry's layer list gives an estimate at its release precision, in Q4_K_M and for QLoRA; Q4_K_M
    weights are smaller than a 16-bit or FP8 release (not than an MXFP4 or INT4 one: about 4.25-4.5 bits too)."""
    released = estimate(Job(model=model))
    gguf = estimate(Job(model=model, precision="q4_k_m", runtime="llama.cpp"))
    qlora = estimate(Job(model=model, task="qlora"))
    assert released.job.precision == model.native_precision
    assert min(released.memory.kv_cache_bytes, gguf.memory.kv_cache_bytes) > 0
    assert qlora.memory.gradients_bytes > 0
    if resolve(model.native_precision).kind in ("float", "fp8"):
        assert gguf.memory.weights_bytes < released.memory.weights_bytes
