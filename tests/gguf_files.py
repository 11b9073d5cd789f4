"""GGUF files written by the tests with the ``gguf`` package's GGUFWriter.

``write_gguf`` writes the header (metadata and tensor list) and, with ``data=True``, zero-filled tensor data
aligned as the format requires, so the file is complete (``gguf.GGUFReader`` opens it). With ``data=False``
only the header is written: a file that claims an 8B model's tensors in a few hundred kilobytes, which vrambot
must estimate without ever reading tensor data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFWriter, LlamaFileType

Q = GGMLQuantizationType
ALIGNMENT = 32


def _nbytes(shape: tuple[int, ...], kind: GGMLQuantizationType) -> int:
    block, size = GGML_QUANT_SIZES[kind]
    return int(np.prod(shape)) // block * size


def write_gguf(
    path: Path,
    arch: str,
    metadata: dict[str, Any],
    tensors: list[tuple[str, tuple[int, ...], GGMLQuantizationType]],
    *,
    vocab: int,
    file_type: LlamaFileType | None = None,
    data: bool = True,
    tokens: bool = True,
) -> Path:
    """A GGUF file; tensor shapes in ggml order (row length first), metadata keys without the arch prefix.

    Integers are written as uint32, floats as float32, lists as arrays (per-layer values). ``tokens=False``
    leaves out the tokenizer's list (writing 200,000 token strings takes seconds): the vocabulary is then the
    embedding table's width, as the reader takes it."""
    writer = GGUFWriter(path, arch)
    writer.add_name(path.stem)
    if file_type is not None:
        writer.add_file_type(int(file_type))
    for key, value in metadata.items():
        name = f"{arch}.{key}"
        if isinstance(value, list):
            writer.add_array(name, value)
        elif isinstance(value, float):
            writer.add_float32(name, value)
        else:
            writer.add_uint32(name, value)
    if tokens:
        writer.add_token_list([f"tok{i}" for i in range(vocab)])
    for name, shape, kind in tensors:
        numpy_shape = tuple(reversed(shape))
        writer.add_tensor_info(name, numpy_shape, np.dtype(np.float32), _nbytes(shape, kind), raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    if data:
        with path.open("ab") as handle:
            handle.write(b"\0" * (-handle.tell() % ALIGNMENT))
            for _name, shape, kind in tensors:
                size = _nbytes(shape, kind)
                handle.write(b"\0" * (size + (-size % ALIGNMENT)))
    return path


def llama_tensors(
    layers: int, hidden: int, ffn: int, kv_dim: int, vocab: int, *, linear: Q, v_down: Q, embd: Q, out: Q | None
) -> list[tuple[str, tuple[int, ...], Q]]:
    """A Llama layout's tensors (llama.cpp names); ``out`` None for tied embeddings (no output.weight)."""
    tensors: list[tuple[str, tuple[int, ...], Q]] = [("token_embd.weight", (hidden, vocab), embd)]
    for i in range(layers):
        tensors += [
            (f"blk.{i}.attn_norm.weight", (hidden,), Q.F32),
            (f"blk.{i}.attn_q.weight", (hidden, hidden), linear),
            (f"blk.{i}.attn_k.weight", (hidden, kv_dim), linear),
            (f"blk.{i}.attn_v.weight", (hidden, kv_dim), v_down),
            (f"blk.{i}.attn_output.weight", (hidden, hidden), linear),
            (f"blk.{i}.ffn_norm.weight", (hidden,), Q.F32),
            (f"blk.{i}.ffn_gate.weight", (hidden, ffn), linear),
            (f"blk.{i}.ffn_up.weight", (hidden, ffn), linear),
            (f"blk.{i}.ffn_down.weight", (ffn, hidden), v_down),
        ]
    tensors.append(("output_norm.weight", (hidden,), Q.F32))
    if out is not None:
        tensors.append(("output.weight", (hidden, vocab), out))
    return tensors


def tiny_llama(path: Path, *, data: bool = True) -> Path:
    """2 layers, hidden 64, MLP 128, 4 heads (2 KV heads of 16), vocabulary 100, context 256, all Q8_0."""
    tensors = llama_tensors(2, 64, 128, 32, 100, linear=Q.Q8_0, v_down=Q.Q8_0, embd=Q.Q8_0, out=Q.Q8_0)
    metadata = {
        "block_count": 2,
        "context_length": 256,
        "embedding_length": 64,
        "feed_forward_length": 128,
        "attention.head_count": 4,
        "attention.head_count_kv": 2,
        "attention.layer_norm_rms_epsilon": 1e-5,
    }
    return write_gguf(path, "llama", metadata, tensors, vocab=100, file_type=LlamaFileType.MOSTLY_Q8_0, data=data)


def llama_8b_q4_k_m_header(path: Path) -> Path:
    """Llama 3.1 8B's shapes in a Q4_K_M-style mix (Q4_K linear, Q6_K attn_v, ffn_down and output), header only."""
    tensors = llama_tensors(32, 4096, 14336, 1024, 128256, linear=Q.Q4_K, v_down=Q.Q6_K, embd=Q.Q4_K, out=Q.Q6_K)
    metadata = {
        "block_count": 32,
        "context_length": 131072,
        "embedding_length": 4096,
        "feed_forward_length": 14336,
        "attention.head_count": 32,
        "attention.head_count_kv": 8,
        "attention.layer_norm_rms_epsilon": 1e-5,
    }
    return write_gguf(path, "llama", metadata, tensors, vocab=128256, file_type=LlamaFileType.MOSTLY_Q4_K_M, data=False)
