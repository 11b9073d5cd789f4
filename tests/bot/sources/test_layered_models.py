"""Llama 4, Qwen3-Next, Gemma 3n and gpt-oss, read from a Hub repo's config.json and from a GGUF file.

The config.json files under ``tests/knowledge/estimator/data/hub_configs`` are transcriptions of the ones
published in meta-llama/Llama-4-Scout-17B-16E-Instruct, meta-llama/Llama-4-Maverick-17B-128E-Instruct,
Qwen/Qwen3-Next-80B-A3B-Instruct, google/gemma-3n-E4B-it, google/gemma-3n-E2B-it, openai/gpt-oss-20b and
openai/gpt-oss-120b; the Hub stand-in serves them to the real huggingface_hub client under a repo id the
catalog does not know (a fine-tune), so the reader, not the catalog, answers. The GGUF headers are written by
``tests/gguf_layered.py`` with the ``gguf`` package.

Expected parameter counts are the vendors' published figures (source on each row) and the catalog's entry of
the same model; KV caches are worked out by hand from the layer layout each model card describes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from huggingface_hub import constants

from bot.cli import main
from bot.sources.gguf_file import gguf_file_model
from bot.sources.hub import read_hub_model
from bot.sources.resolve import resolve_model
from knowledge import ask
from knowledge.estimator.catalog import load_catalog
from tests import gguf_layered
from tests.hub_standin import HubStandIn, Repo

CONFIGS = Path(__file__).parents[2] / "knowledge" / "estimator" / "data" / "hub_configs"
GIB = 2**30
B = 10**9

# (config file, catalog id, published total, tolerance, source of the published figure)
PUBLISHED = [
    ("llama4-scout", "llama-4-scout", 108_641_793_536, 0.01, "Hub safetensors total, Llama-4-Scout-17B-16E-Instruct"),
    ("llama4-maverick", "llama-4-maverick", 400 * B, 0.01, "model card: 400B total parameters"),
    ("qwen3-next-80b-a3b", "qwen3-next-80b-a3b", 80 * B, 0.01, "model card: 80B parameters in total"),
    ("gemma-3n-e4b-it", "gemma-3n-e4b", 8 * B, 0.5 * B / (8 * B), "model card: 8B raw parameters, whole billions"),
    ("gemma-3n-e2b-it", "gemma-3n-e2b", 5 * B, 0.5 * B / (5 * B), "model card: 5B raw parameters, whole billions"),
    ("gpt-oss-20b", "gpt-oss-20b", 20_914_757_184, 0.01, "OpenAI model card, table 1: 20.91B total"),
    ("gpt-oss-120b", "gpt-oss-120b", 116_829_156_672, 0.01, "OpenAI model card, table 1: 116.83B total"),
]


def _config(name: str) -> dict:
    return json.loads((CONFIGS / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def hub():
    """One stand-in for the module: each config under "finetuner/<name>", a repo the catalog does not hold."""
    standin = HubStandIn({f"finetuner/{name}": Repo.with_config(_config(name)) for name, *_ in PUBLISHED})
    yield standin
    standin.close()
    read_hub_model.cache_clear()


@pytest.fixture(scope="module")
def hf_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("hf")


@pytest.fixture
def read(hub, hf_cache):
    return lambda name: read_hub_model(f"finetuner/{name}", endpoint=hub.url, cache_dir=str(hf_cache))


@pytest.mark.parametrize(("name", "catalog_id", "published", "tolerance", "source"), PUBLISHED)
def test_hub_config_counts_the_published_parameters(read, name, catalog_id, published, tolerance, source):
    """Read through the Hub's HTTP API, each config gives the count its vendor publishes and the catalog's
    entry of the same model (the Hub stand-in gives no safetensors count, so the config is all there is)."""
    model = read(name)
    assert model.provenance is not None and model.provenance.params_counted is None
    assert model.params == pytest.approx(published, rel=tolerance), source
    assert model.params == pytest.approx(load_catalog().find_model(catalog_id).params, rel=0.01)


def test_llama_4_scout_from_the_hub(read):
    """Scout: every layer MoE (16 experts, top 1, one shared); layers 4, 8, ..., 48 global, the other 36
    attend within 8,192-token chunks, so they cache at most 8,192 tokens. 8 KV heads of 128, K and V: 2,048
    elements per token and layer."""
    arch = read("llama4-scout").architecture
    assert arch.moe is not None and (arch.moe.experts, arch.moe.top_k, arch.moe.shared_experts) == (16, 1, 1)
    assert arch.moe_layers == 48 and arch.vision is not None
    assert arch.kv_elements_per_token(4096) == 48 * 2 * 8 * 128 * 4096  # every layer holds all 4,096
    assert arch.kv_elements_per_token(131_072) == 2 * 8 * 128 * (12 * 131_072 + 36 * 8192)
    # the shared expert and top-1 routed expert (3 x 5,120 x 8,192 each) of 48 layers, attention and
    # embeddings: the model card's "17B active", a figure in whole billions
    assert arch.active_params() == pytest.approx(17 * B, abs=0.5 * B)


def test_llama_4_maverick_interleaves_dense_and_moe_layers(read):
    """Maverick: interleave_moe_layer_step 2, so layers 2, 4, ..., 48 (1-based) are MoE with 128 experts and
    the other 24 dense with a 16,384-wide MLP."""
    arch = read("llama4-maverick").architecture
    assert arch.mlp_kinds()[:4] == ("dense", "moe", "dense", "moe") and arch.moe_layers == 24
    assert arch.intermediate_size == 16_384 and arch.moe is not None and arch.moe.experts == 128


def test_qwen3_next_from_the_hub(read):
    """Qwen3-Next: layers 4, 8, ..., 48 full attention with 2 KV heads of 256 (1,024 elements a token); the
    other 36 Gated DeltaNet with a fixed state per sequence: 32 value heads x 128 x 128 plus the convolution's
    last 3 inputs over q, k and v (2 x 16 x 128 + 32 x 128 = 8,192 channels)."""
    arch = read("qwen3-next-80b-a3b").architecture
    assert (arch.full_attention_layers, arch.linear_attention_layers) == (12, 36)
    assert arch.kv_elements_per_token(100_000) == 12 * 2 * 2 * 256 * 100_000
    assert arch.state_elements() == 36 * (32 * 128 * 128 + 8192 * 3)
    assert arch.moe is not None and (arch.moe.experts, arch.moe.top_k, arch.moe.shared_expert_gate) == (512, 10, True)


def test_gemma_3n_from_the_hub(read):
    """Gemma 3n E4B: 35 layers, the last 15 reuse K and V of earlier ones, so 20 layers cache: of those, layers
    5, 10, 15, 20 global and 16 sliding over 512 tokens; 2 KV heads of 256 (1,024 elements a token)."""
    arch = read("gemma-3n-e4b-it").architecture
    assert arch.kv_shared_layers == 15 and arch.per_layer_embeddings is not None
    assert arch.kv_elements_per_token(32_768) == 2 * 2 * 256 * (4 * 32_768 + 16 * 512)


@pytest.mark.parametrize(("name", "layers"), [("gpt-oss-20b", 24), ("gpt-oss-120b", 36)])
def test_gpt_oss_from_the_hub(read, name, layers):
    """gpt-oss: even layers slide over 128 tokens, odd ones see everything; 8 KV heads of 64. Its
    quantization_config says MXFP4, so an estimate that names no precision uses the released MXFP4 experts."""
    model = read(name)
    half = layers // 2
    assert model.architecture.kv_elements_per_token(131_072) == 2 * 8 * 64 * (half * 131_072 + half * 128)
    assert model.architecture.attention_sinks and model.native_precision == "mxfp4_experts"


# -- GGUF files ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gguf")
    return {
        "scout": gguf_layered.llama4_scout(folder / "Llama-4-Scout-17B-16E-Instruct-Q4_K_M.gguf"),
        "next": gguf_layered.qwen3_next(folder / "Qwen3-Next-80B-A3B-Instruct-Q4_K_M.gguf"),
        "gemma": gguf_layered.gemma3n_e4b(folder / "gemma-3n-E4B-it-Q4_K_M.gguf"),
        "oss": gguf_layered.gpt_oss_20b(folder / "gpt-oss-20b-mxfp4.gguf"),
    }


def test_llama_4_scout_gguf(files):
    """The text model's tensors: per layer attention 2 x 5,120² + 2 x 5,120 x 1,024 = 62,914,560, two norms
    10,240, router 5,120 x 16 = 81,920, 16 routed experts 16 x 3 x 5,120 x 8,192 = 2,013,265,920 and the
    shared one 125,829,120: 2,202,101,760; 48 layers, embeddings and output 2 x 202,048 x 5,120, final norm.
    That is the catalog's count less its vision tower, which a GGUF keeps in a separate mmproj file."""
    model = gguf_file_model(files["scout"])
    elements = 48 * 2_202_101_760 + 2 * 202_048 * 5120 + 5120
    assert model.params_official == elements == 107_769_861_120
    catalog = load_catalog().find_model("llama-4-scout").architecture
    assert elements == pytest.approx(catalog.total_params() - catalog.vision_params(), rel=0.01)
    # llama.cpp: chunks of 8,192 on three layers of four, the fourth global
    assert model.architecture.kv_elements_per_token(65_536) == 2 * 8 * 128 * (12 * 65_536 + 36 * 8192)
    # bytes: the 2 x 48 x 5,120 norms and the final one in F32, the routers in F32, the rest Q4_K (144 / 256)
    f32 = 97 * 5120 + 48 * 5120 * 16
    assert model.provenance is not None and model.provenance.weights_bytes == (elements - f32) // 256 * 144 + f32 * 4


def test_qwen3_next_gguf(files):
    """Every layer: attn_norm, post_attention_norm (2 x 2,048); MoE: router 2,048 x 512, 512 experts of 3 x
    2,048 x 512, shared-expert gate 2,048 and shared expert 3 x 2,048 x 512. Full layers (12): q with its gate
    2,048 x 8,192, k and v 2,048 x 512 each, o 4,096 x 2,048, q/k norms 2 x 256. DeltaNet layers (36): in_proj
    2,048 x 12,288, ba 2,048 x 64, conv 4 x 8,192, dt and A 2 x 32, norm 128, out 4,096 x 2,048."""
    model = gguf_file_model(files["next"])
    moe = 2048 * 512 + 512 * 3 * 2048 * 512 + 2048 + 3 * 2048 * 512
    full = 2048 * 8192 + 2 * 2048 * 512 + 4096 * 2048 + 2 * 256
    delta = 2048 * 12_288 + 2048 * 64 + 4 * 8192 + 2 * 32 + 128 + 4096 * 2048
    elements = 48 * (2 * 2048 + moe) + 12 * full + 36 * delta + 2 * 151_936 * 2048 + 2048
    assert model.params_official == model.params == elements
    assert elements == pytest.approx(load_catalog().find_model("qwen3-next-80b-a3b").params, rel=0.01)
    arch = model.architecture
    assert arch.attention_output_gate and arch.linear_attention is not None
    assert arch.kv_elements_per_token(100_000) == 12 * 2 * 2 * 256 * 100_000
    assert arch.state_elements() == 36 * (32 * 128 * 128 + 8192 * 3)


def test_gemma_3n_gguf(files):
    """The text model of E4B: its count (AltUp and LAuReL included) within 1 % of the catalog's less the image
    and audio encoders (which llama.cpp keeps in the mmproj file); 20 layers keep a cache, as llama.cpp's
    n_layer_kv_from_start."""
    model = gguf_file_model(files["gemma"])
    catalog = load_catalog().find_model("gemma-3n-e4b").architecture
    assert model.params_official == pytest.approx(catalog.total_params() - catalog.vision_params(), rel=0.01)
    assert model.architecture.kv_elements_per_token(32_768) == 2 * 2 * 256 * (4 * 32_768 + 16 * 512)


def test_gpt_oss_gguf_estimate(files):
    """gpt-oss-20b as released in MXFP4: 24 x 3 x 32 experts of 2,880 x 2,880 in MXFP4 (17 bytes per 32
    weights); every other weight as the header gives it. On an RTX 4090 at 131,072 tokens, llama.cpp's f16 KV
    cache: 12 full layers x 131,072 + 12 sliding x 128 tokens, x 2 x 8 x 64 elements x 2 bytes."""
    model = gguf_file_model(files["oss"])
    assert model.params_official == model.params == 20_914_757_184  # the model card's 20.91B, exactly
    experts = 24 * 3 * 32 * 2880 * 2880
    assert model.provenance is not None and model.provenance.file_type == "MXFP4_MOE"
    result = CliRunner().invoke(
        main, ["estimate", str(files["oss"]), "--gpu", "RTX 4090", "--context", "131072", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    kv = (12 * 131_072 + 12 * 128) * 2 * 8 * 64 * 2
    assert data["memory"]["kv_cache_gib"] == round(kv / GIB, 3) == 3.003
    weights = data["memory"]["weights_gib"] + data["host_weights_gib"]
    assert weights * GIB >= experts // 32 * 17  # the MXFP4 experts alone: 11.6 GiB


# -- what still cannot be read ------------------------------------------------------------------------------------


def test_an_unknown_architecture_is_one_line_in_the_askers_language(hub, hf_cache, monkeypatch):
    """A Mamba repo: the answer names the problem (its model_type) and the fix, in Spanish when asked in
    Spanish, never a traceback nor another model."""
    hub.repos["finetuner/mamba-7b"] = Repo.with_config({"model_type": "mamba", "hidden_size": 4096})
    monkeypatch.setattr(constants, "ENDPOINT", hub.url)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", hub.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf_cache))
    spanish = ask("¿Cabe finetuner/mamba-7b en una RTX 4090?", resolve_model=resolve_model)
    assert spanish.error == "invalid_query" and spanish.model is None
    assert "\n" not in spanish.title and spanish.title.startswith("Aún no puedo estimar finetuner/mamba-7b")
    assert "su config.json es de model_type 'mamba', una arquitectura que no conozco" in spanish.title
    assert "nombra uno del catálogo" in spanish.title
    english = ask("Can an RTX 4090 run finetuner/mamba-7b?", resolve_model=resolve_model)
    assert "its config.json is of model_type 'mamba'" in english.title and "name one from the catalog" in english.title
