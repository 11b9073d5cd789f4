"""GGUF files (written here with the gguf package) → exact weights, llama.cpp's KV cache, one-line refusals.

Block layouts used in the arithmetic (llama.cpp ggml/src/ggml-common.h): Q8_0 stores 32 weights in 34 bytes,
Q4_K 256 weights in 144 bytes, Q6_K 256 weights in 210 bytes; F32 is 4 bytes a weight.
"""

from __future__ import annotations

import json

import gguf
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.sources.gguf_file import gguf_file_model, read_header
from knowledge.errors import ModelSourceError
from knowledge.estimator.estimate import estimate
from knowledge.estimator.job import Job
from tests.gguf_files import Q, llama_8b_q4_k_m_header, llama_tensors, tiny_llama, write_gguf

GIB = 2**30
# The tiny model: hidden 64, MLP 128, 2 KV heads of 16 (K and V 32 wide), vocabulary 100, 2 layers, all Q8_0.
TINY_LAYER_ELEMENTS = 64 + 64 * 64 + 64 * 32 + 64 * 32 + 64 * 64 + 64 + 3 * 64 * 128  # norms, q, k, v, o, MLP
TINY_ELEMENTS = 64 * 100 + 2 * TINY_LAYER_ELEMENTS + 64 + 64 * 100  # embeddings, layers, final norm, output
TINY_LAYER_BYTES = 2 * 64 * 4 + (64 * 64 + 64 * 32 + 64 * 32 + 64 * 64 + 3 * 64 * 128) // 32 * 34
TINY_BYTES = 64 * 100 // 32 * 34 + 2 * TINY_LAYER_BYTES + 64 * 4 + 64 * 100 // 32 * 34
# Llama 3.1 8B's shapes: Q4_K q, k, o, gate, up and embeddings; Q6_K v, down and output; F32 norms.
L8_LAYER_BYTES = (
    (4096 * 4096 * 2 + 4096 * 1024 + 2 * 4096 * 14336) // 256 * 144
    + (4096 * 1024 + 14336 * 4096) // 256 * 210
    + 2 * 4096 * 4
)
L8_BYTES = 4096 * 128256 // 256 * 144 + 32 * L8_LAYER_BYTES + 4096 * 4 + 4096 * 128256 // 256 * 210


def test_tiny_file_is_a_complete_gguf_and_its_weights_are_exact(tmp_path):
    """The file the test writes is a real GGUF (gguf's own reader opens it, data included); vrambot's weights
    are the tensors' bytes: 93,216 of them."""
    path = tiny_llama(tmp_path / "tiny.gguf")
    assert len(gguf.GGUFReader(path).tensors) == 2 * 9 + 3
    model = gguf_file_model(path)
    assert TINY_ELEMENTS == 86_848 and TINY_BYTES == 93_216
    assert model.params == TINY_ELEMENTS and model.provenance is not None
    assert (model.provenance.weights_bytes, model.provenance.precision, model.provenance.file_type) == (
        TINY_BYTES,
        "q8_0",
        "Q8_0",
    )
    arch = model.architecture
    assert (arch.layers, arch.kv_heads, arch.head_dim, arch.vocab_size, arch.tied_embeddings) == (2, 2, 16, 100, False)


def test_tiny_file_estimate_is_llama_cpp_with_the_file_weights(tmp_path):
    """At its whole 256-token context, llama.cpp's f16 KV cache is 2 layers x (K + V) x 2 heads x 16 x 256 x 2 B."""
    result = estimate(Job(model=gguf_file_model(tiny_llama(tmp_path / "tiny.gguf"))))
    assert (result.job.runtime, result.job.precision, result.job.context_tokens) == ("llama.cpp", "q8_0", 256)
    # llama.cpp keeps token_embd in system RAM: the file's tensors are the GPU's weights plus that copy
    assert result.memory.weights_bytes + result.host_weights_bytes == 93_216
    assert result.memory.kv_cache_bytes == 2 * 2 * 2 * 16 * 256 * 2
    assert result.assumptions[0].key == "assume.gguf_file"


def test_a_header_claiming_8b_weights_is_read_without_its_data(tmp_path):
    """A 2 MB file whose header lists Llama 3.1 8B's 291 tensors (4.8 GiB of them) is estimated: the reader
    never looks past the header."""
    path = llama_8b_q4_k_m_header(tmp_path / "Llama-3.1-8B-Q4_K_M.gguf")
    assert path.stat().st_size < 3_000_000 < L8_BYTES
    header = read_header(path)
    assert len(header.tensors) == 32 * 9 + 3 and header.file_type == "MOSTLY_Q4_K_M"
    model = gguf_file_model(path)
    assert model.params == 8_030_261_248  # meta-llama/Llama-3.1-8B's count: the same tensors
    assert model.provenance is not None and model.provenance.weights_bytes == L8_BYTES


def test_cli_estimates_a_gguf_path(tmp_path):
    """`vrambot estimate FILE.gguf --gpu 4060`: the file's weights, 0.5 GiB of f16 KV cache at 4,096 tokens
    (32 layers x 2 x 8 KV heads x 128 x 4,096 x 2 bytes), and an assumption naming the file."""
    path = llama_8b_q4_k_m_header(tmp_path / "Llama-3.1-8B-Q4_K_M.gguf")
    result = CliRunner().invoke(main, ["estimate", str(path), "--gpu", "RTX 4060", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["precision"] == "q4_k_m" and data["runtime"] == "llama.cpp"
    on_gpu_and_host = data["memory"]["weights_gib"] + data["host_weights_gib"]  # token_embd stays in RAM
    assert on_gpu_and_host == pytest.approx(L8_BYTES / GIB, abs=0.002)
    assert data["memory"]["kv_cache_gib"] == round(32 * 2 * 8 * 128 * 4096 * 2 / GIB, 3) == 0.5
    assert data["assumptions"][0].startswith("weights exactly as stored in Llama-3.1-8B-Q4_K_M.gguf (Q4_K_M, 291")


def _broken_layout(path):
    tensors = [t for t in llama_tensors(2, 64, 128, 32, 100, linear=Q.Q8_0, v_down=Q.Q8_0, embd=Q.Q8_0, out=Q.Q8_0)
               if "attn_k" not in t[0]]  # fmt: skip
    metadata = {"block_count": 2, "context_length": 256, "embedding_length": 64, "feed_forward_length": 128,
                "attention.head_count": 4, "attention.head_count_kv": 2}  # fmt: skip
    return write_gguf(path, "llama", metadata, tensors, vocab=100)


@pytest.mark.parametrize(
    ("make", "args", "words"),
    [
        (lambda p: p, [], "No file missing.gguf. Give the path of a .gguf file."),
        (lambda p: (p.write_text("not a model"), p)[1], [], "is not a GGUF file vrambot can read"),
        (lambda p: (p.write_bytes(tiny_llama(p).read_bytes()[:300]), p)[1], [], "header is cut short"),
        (_broken_layout, [], "layout accounts for"),
        (tiny_llama, ["--precision", "q4_k_m"], "stores Q8_0 weights; --precision q4_k_m does not apply"),
        (tiny_llama, ["--task", "lora"], "GGUF models are for inference"),
        (tiny_llama, ["--runtime", "vllm"], "only llama.cpp runs"),
    ],
    ids=["missing", "not-gguf", "truncated", "unknown-layout", "other-precision", "training", "other-runtime"],
)
def test_bad_files_and_setups_get_one_line_and_exit_2(tmp_path, make, args, words):
    path = tmp_path / "missing.gguf"
    path = make(path)
    result = CliRunner().invoke(main, ["estimate", str(path), *args])
    assert result.exit_code == 2
    assert words in result.output and len(result.output.strip().splitlines()) == 1, result.output


def test_a_split_model_is_read_from_all_its_parts(tmp_path):
    """A model split in two by GGUFWriter's split_max_tensors: the first part's metadata, both parts' tensors."""
    tensors = llama_tensors(2, 64, 128, 32, 100, linear=Q.Q8_0, v_down=Q.Q8_0, embd=Q.Q8_0, out=Q.Q8_0)
    writer = gguf.GGUFWriter(tmp_path / "tiny.gguf", "llama", split_max_tensors=12)
    for key, value in {"block_count": 2, "context_length": 256, "embedding_length": 64, "feed_forward_length": 128,
                       "attention.head_count": 4, "attention.head_count_kv": 2}.items():  # fmt: skip
        writer.add_uint32(f"llama.{key}", value)
    writer.add_token_list([f"t{i}" for i in range(100)])
    for name, shape, kind in tensors:
        block, size = gguf.GGML_QUANT_SIZES[kind]
        count = 1
        for dim in shape:
            count *= dim
        writer.add_tensor_info(name, tuple(reversed(shape)), gguf.np.dtype("float32"), count // block * size, kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    first = tmp_path / "tiny-00001-of-00002.gguf"
    assert first.exists() and (tmp_path / "tiny-00002-of-00002.gguf").exists()
    assert gguf_file_model(first).provenance.weights_bytes == TINY_BYTES  # type: ignore[union-attr]
    (tmp_path / "tiny-00002-of-00002.gguf").unlink()
    with pytest.raises(ModelSourceError, match=r"No file tiny-00002-of-00002\.gguf"):
        gguf_file_model(first)


def test_a_mixture_of_experts_file(tmp_path):
    """A tiny Qwen3-MoE file: 4 experts of width 32 stacked in ffn_*_exps tensors, 2 active, q/k norms.

    Elements: embeddings and output 2 x 6,400; per layer 64 + 4,096 + 2,048 + 2,048 + 4,096 + 16 + 16 + 64
    (norms, q, k, v, o, q/k norms) + 256 (router) + 3 x 64 x 32 x 4 (experts) = 37,280; final norm 64.
    Bytes: the 86,528 Q8_0 weights take 34 bytes per 32, the 896 F32 ones 4 bytes each.
    """
    tensors: list[tuple[str, tuple[int, ...], Q]] = [("token_embd.weight", (64, 100), Q.Q8_0)]
    for i in range(2):
        tensors += [
            (f"blk.{i}.attn_norm.weight", (64,), Q.F32),
            (f"blk.{i}.attn_q.weight", (64, 64), Q.Q8_0),
            (f"blk.{i}.attn_k.weight", (64, 32), Q.Q8_0),
            (f"blk.{i}.attn_v.weight", (64, 32), Q.Q8_0),
            (f"blk.{i}.attn_output.weight", (64, 64), Q.Q8_0),
            (f"blk.{i}.attn_q_norm.weight", (16,), Q.F32),
            (f"blk.{i}.attn_k_norm.weight", (16,), Q.F32),
            (f"blk.{i}.ffn_norm.weight", (64,), Q.F32),
            (f"blk.{i}.ffn_gate_inp.weight", (64, 4), Q.F32),
            (f"blk.{i}.ffn_gate_exps.weight", (64, 32, 4), Q.Q8_0),
            (f"blk.{i}.ffn_up_exps.weight", (64, 32, 4), Q.Q8_0),
            (f"blk.{i}.ffn_down_exps.weight", (32, 64, 4), Q.Q8_0),
        ]
    tensors += [("output_norm.weight", (64,), Q.F32), ("output.weight", (64, 100), Q.Q8_0)]
    metadata = {"block_count": 2, "context_length": 512, "embedding_length": 64, "attention.head_count": 4,
                "attention.head_count_kv": 2, "attention.key_length": 16, "expert_count": 4,
                "expert_used_count": 2, "expert_feed_forward_length": 32}  # fmt: skip
    model = gguf_file_model(write_gguf(tmp_path / "tiny-moe.gguf", "qwen3moe", metadata, tensors, vocab=100))
    assert model.params == 2 * 6400 + 2 * 37_280 + 64 == 87_424
    assert model.provenance is not None and model.provenance.weights_bytes == 86_528 // 32 * 34 + 896 * 4
    arch = model.architecture
    assert arch.moe is not None and (arch.moe.experts, arch.moe.top_k, arch.qk_norm) == (4, 2, True)
    # active: two of the four experts, 2 x 3 x 64 x 32 = 12,288 a layer instead of 24,576
    assert model.active_params == 87_424 - 2 * 12_288
