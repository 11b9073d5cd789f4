"""config.json → Architecture: published parameter counts, attention layouts, and one-line refusals.

The config files under ``data/hub_configs`` are the models' config.json as published on the Hub (those of
Llama 4, Qwen3-Next, Gemma 3n and gpt-oss transcribed from their model pages). Expected
counts are the Hub's safetensors totals shown on each model page (exact parameter counts), or the vendor's
announced figure where noted, never computed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.errors import ModelSourceError
from knowledge.estimator.catalog import Model, load_catalog
from knowledge.estimator.from_config import architecture_from_config, draft_entry, hub_model

CONFIGS = Path(__file__).parent / "data" / "hub_configs"


def config(name: str) -> dict:
    return json.loads((CONFIGS / f"{name}.json").read_text())


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("llama-3.1-8b", 8_030_261_248),  # meta-llama/Llama-3.1-8B safetensors total
        ("qwen2.5-7b", 7_615_616_512),  # Qwen/Qwen2.5-7B
        ("qwen3-8b", 8_190_735_360),  # Qwen/Qwen3-8B
        ("mistral-7b-v0.1", 7_241_732_096),  # mistralai/Mistral-7B-v0.1
        ("gemma-2-9b", 9_241_705_984),  # google/gemma-2-9b
        ("phi-3-mini-4k", 3_821_079_552),  # microsoft/Phi-3-mini-4k-instruct
        ("mixtral-8x7b", 46_702_792_704),  # mistralai/Mixtral-8x7B-v0.1
        ("qwen3-30b-a3b", 30_532_122_624),  # Qwen/Qwen3-30B-A3B
    ],
)
def test_parameter_count_matches_the_hub(name, published):
    """A config.json of each family gives the exact parameter count the Hub publishes for that model."""
    assert architecture_from_config(config(name)).total_params() == published


def test_gemma_3_1b_by_hand():
    """Gemma 3 1B: tied 262,144 x 1,152 embeddings, 26 layers with q/k norms and four norms each."""
    embeddings = 262_144 * 1152
    attention = 1152 * 4 * 256 + 2 * 1152 * 1 * 256 + 4 * 256 * 1152 + 2 * 256  # q, k and v, o, q/k norms
    mlp = 3 * 1152 * 6912
    layer = attention + mlp + 4 * 1152
    assert embeddings + 26 * layer + 1152 == 999_885_952  # google/gemma-3-1b-pt safetensors total
    arch = architecture_from_config(config("gemma-3-1b"))
    assert arch.total_params() == 999_885_952
    # sliding_window_pattern 6: layers 6, 12, 18 and 24 (1-based) are global, the other 22 slide over 512 tokens
    assert (arch.sliding_window_layers, arch.sliding_window_tokens) == (22, 512)


def test_gemma_3_multimodal_reads_the_text_config_with_its_defaults():
    """Gemma 3 4B's config.json nests a sparse text_config; Gemma3TextConfig's defaults fill the rest."""
    arch = architecture_from_config(config("gemma-3-4b-it"))
    # defaults: 8 heads, 4 KV heads of 256, vocabulary 262,208, 128k context
    assert (arch.attention_heads, arch.kv_heads, arch.head_dim, arch.vocab_size) == (8, 4, 256, 262_208)
    assert arch.max_context_tokens == 131_072
    layer = 2560 * 2048 + 2 * 2560 * 1024 + 2048 * 2560 + 2 * 256 + 3 * 2560 * 10240 + 4 * 2560
    assert arch.total_params() == 262_208 * 2560 + 34 * layer + 2560  # 3.88 B: the text model, no vision tower


def test_mixture_of_experts_and_mla():
    """Mixtral: 8 experts, 2 active; Qwen1.5-MoE: the 5,632-wide shared expert is four 1,408-wide experts;
    DeepSeek V3: 256 routed + 1 shared expert after 3 dense layers, MLA latents of 512 + 64 per token."""
    mixtral = architecture_from_config(config("mixtral-8x7b"))
    assert mixtral.moe is not None and (mixtral.moe.experts, mixtral.moe.top_k) == (8, 2)
    qwen_moe = architecture_from_config(config("qwen1.5-moe-a2.7b"))
    assert qwen_moe.moe is not None and qwen_moe.moe.shared_experts == 4
    # Qwen's model card: 14.3B parameters in total, 2.7B activated (the shared expert's gate, 2,048 weights a
    # layer, is the only part left out)
    assert qwen_moe.total_params() == pytest.approx(14.3e9, rel=0.005)
    assert qwen_moe.active_params() == pytest.approx(2.7e9, rel=0.005)
    deepseek = architecture_from_config(config("deepseek-v3"))
    assert deepseek.mla is not None and deepseek.moe is not None
    assert (deepseek.moe.dense_layers, deepseek.moe.shared_experts) == (3, 1)
    assert deepseek.kv_elements_per_token(1) == 61 * (512 + 64)
    assert deepseek.total_params() == pytest.approx(671e9, rel=0.001)  # DeepSeek-V3 report: 671B (no MTP module)


def test_sliding_windows_follow_transformers():
    """Mistral 7B v0.1 slides on every layer; Gemma 2 on every other; Qwen2.5 declares a window it never uses."""
    assert architecture_from_config(config("mistral-7b-v0.1")).sliding_window_layers == 32
    assert architecture_from_config(config("gemma-2-9b")).sliding_window_layers == 21
    qwen = architecture_from_config(config("qwen2.5-7b"))
    assert (qwen.sliding_window_layers, qwen.qkv_bias, qwen.attn_out_bias) == (0, True, False)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (
            {
                **config("gemma-3n-e2b-it"),
                "text_config": {
                    **config("gemma-3n-e2b-it")["text_config"],
                    "intermediate_size": [8192] * 10 + [4096] * 20,
                },
            },
            "'intermediate_size' differs from layer to layer",
        ),
        ({"model_type": "mamba", "hidden_size": 768}, "model_type 'mamba'"),
        ({k: v for k, v in config("llama-3.1-8b").items() if k != "vocab_size"}, "'vocab_size'"),
        ({**config("qwen3-30b-a3b"), "mlp_only_layers": [0, 47]}, "dense layers interleaved"),
    ],
    ids=["gemma3n-matformer-slice", "unknown-type", "missing-field", "interleaved-moe"],
)
def test_configs_it_cannot_express_are_refused_in_one_line(raw, words):
    with pytest.raises(ModelSourceError) as caught:
        architecture_from_config(raw, "org/model")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("org/model: ") and words in message
    assert "cannot estimate it yet" in message and caught.value.key == "error.config_unsupported"


def test_hub_model_records_where_it_comes_from():
    """The Hub's safetensors count is kept as the official count; the id is a valid catalog id."""
    model = hub_model("Qwen/Qwen3-8B", config("qwen3-8b"), params_counted=8_190_735_360)
    assert (model.id, model.name, model.family) == ("hf-qwen-qwen3-8b", "Qwen/Qwen3-8B", "Qwen3")
    assert model.source == "https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json"
    assert model.provenance is not None and model.provenance.params_counted == 8_190_735_360
    assert model.params_official == 8_190_735_360


def test_draft_entry_is_a_valid_catalog_entry():
    """`catalog add` drafts an entry the catalog's own schema accepts, with the repo as its source."""
    model = hub_model("mistralai/Mistral-7B-v0.1", config("mistral-7b-v0.1"), params_counted=7_241_732_096)
    entry = draft_entry(model, "mistralai/Mistral-7B-v0.1")
    assert entry["id"] == "mistral-7b-v0.1" and entry["aliases"] == ["mistral-7b-v0.1"]
    assert entry["source"] == "https://huggingface.co/mistralai/Mistral-7B-v0.1/blob/main/config.json"
    drafted = Model.model_validate(entry)
    assert drafted.params == 7_241_732_096 and drafted.provenance is None


def test_draft_entry_records_a_count_the_architecture_does_not_explain():
    """Gemma 3 4B on the Hub counts its vision tower (4,300,079,472 in all) that the text architecture
    (3,880,263,168) leaves out: 419,816,304 / 4,300,079,472 = 9.8 % apart, said in the notes."""
    model = hub_model("google/gemma-3-4b-it", config("gemma-3-4b-it"), params_counted=4_300_079_472)
    notes = draft_entry(model, "google/gemma-3-4b-it")["notes"]
    assert "The Hub counts 4,300,079,472 parameters and the architecture 3,880,263,168 (9.8% apart)" in notes


@pytest.mark.parametrize(
    ("name", "catalog_id"),
    [
        ("llama4-scout", "llama-4-scout"),
        ("llama4-maverick", "llama-4-maverick"),
        ("qwen3-next-80b-a3b", "qwen3-next-80b-a3b"),
        ("gemma-3n-e4b-it", "gemma-3n-e4b"),
        ("gemma-3n-e2b-it", "gemma-3n-e2b"),
        ("gpt-oss-20b", "gpt-oss-20b"),
        ("gpt-oss-120b", "gpt-oss-120b"),
    ],
)
def test_per_layer_families_read_as_the_catalog_writes_them(name, catalog_id):
    """The layer lists a config gives (MoE interleave, chunked or sliding layers, linear attention, shared KV
    layers, per-layer embeddings, sinks) are the ones the catalog entry of the same model was written with from
    that config.json by hand: the same architecture, field for field, hence the same memory."""
    assert architecture_from_config(config(name)) == load_catalog().find_model(catalog_id).architecture


def test_draft_entry_keeps_the_released_precision():
    """gpt-oss's config.json says its experts are MXFP4 (quantization_config): the draft keeps it."""
    model = hub_model("openai/gpt-oss-20b", config("gpt-oss-20b"))
    entry = draft_entry(model, "openai/gpt-oss-20b")
    assert entry["native_precision"] == "mxfp4_experts"
    assert Model.model_validate(entry).architecture == model.architecture


def test_llama_4_without_chunking_caches_every_token():
    """attention_chunk_size null switches Llama 4's chunked attention off (transformers: no layer chunks), so
    each of the 48 layers caches the whole context: 48 x 2 x 8 x 128 elements a token at 131,072 tokens."""
    raw = config("llama4-scout")
    raw["text_config"] = {**raw["text_config"], "attention_chunk_size": None}
    arch = architecture_from_config(raw)
    assert arch.sliding_window_tokens is None
    assert arch.kv_elements_per_token(131_072) == 48 * 2 * 8 * 128 * 131_072
