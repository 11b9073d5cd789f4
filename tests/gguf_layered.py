"""GGUF headers of this year's per-layer architectures at their real sizes, as llama.cpp's converter names and
shapes their tensors (``convert_hf_to_gguf.py`` and ``src/llama-model.cpp``, ``load_tensors``; shapes in ggml
order, the row length first). Header only: no tensor data is written, as in a file vrambot never reads past
its tensor list.

The quantization mixes are chosen so the bytes can be worked out by hand: Q4_K (144 bytes per 256 weights)
for matrices, MXFP4 (17 bytes per 32) for gpt-oss's experts as released, BF16 (2 bytes) and F32 (4 bytes)
for the rest.
"""

from __future__ import annotations

from pathlib import Path

from gguf import LlamaFileType

from tests.gguf_files import Q, write_gguf

Tensors = list[tuple[str, tuple[int, ...], Q]]


def llama4_scout(path: Path) -> Path:
    """Llama 4 Scout's text model (the vision tower goes in a separate mmproj file): 48 layers of 5,120, 40
    heads and 8 KV heads of 128; every layer MoE with 16 experts of 8,192 (top 1) and a shared expert of
    8,192; vocabulary 202,048; untied output."""
    h, kv, e, ff, vocab = 5120, 8 * 128, 16, 8192, 202_048
    tensors: Tensors = [("token_embd.weight", (h, vocab), Q.Q4_K)]
    for i in range(48):
        tensors += [
            (f"blk.{i}.attn_norm.weight", (h,), Q.F32),
            (f"blk.{i}.attn_q.weight", (h, h), Q.Q4_K),
            (f"blk.{i}.attn_k.weight", (h, kv), Q.Q4_K),
            (f"blk.{i}.attn_v.weight", (h, kv), Q.Q4_K),
            (f"blk.{i}.attn_output.weight", (h, h), Q.Q4_K),
            (f"blk.{i}.ffn_norm.weight", (h,), Q.F32),
            (f"blk.{i}.ffn_gate_inp.weight", (h, e), Q.F32),
            (f"blk.{i}.ffn_gate_exps.weight", (h, ff, e), Q.Q4_K),
            (f"blk.{i}.ffn_up_exps.weight", (h, ff, e), Q.Q4_K),
            (f"blk.{i}.ffn_down_exps.weight", (ff, h, e), Q.Q4_K),
            (f"blk.{i}.ffn_gate_shexp.weight", (h, ff), Q.Q4_K),
            (f"blk.{i}.ffn_up_shexp.weight", (h, ff), Q.Q4_K),
            (f"blk.{i}.ffn_down_shexp.weight", (ff, h), Q.Q4_K),
        ]
    tensors += [("output_norm.weight", (h,), Q.F32), ("output.weight", (h, vocab), Q.Q4_K)]
    metadata = {
        "block_count": 48,
        "context_length": 10_485_760,
        "embedding_length": h,
        "feed_forward_length": 16_384,
        "attention.head_count": 40,
        "attention.head_count_kv": 8,
        "rope.dimension_count": 128,
        "attention.layer_norm_rms_epsilon": 1e-5,
        "expert_count": e,
        "expert_used_count": 1,
        "expert_feed_forward_length": ff,
        "interleave_moe_layer_step": 1,
        "vocab_size": vocab,
    }
    kind = LlamaFileType.MOSTLY_Q4_K_M
    return write_gguf(path, "llama4", metadata, tensors, vocab=vocab, file_type=kind, data=False, tokens=False)


def _moe_block(i: int, h: int, ff: int, experts: int) -> Tensors:
    return [
        (f"blk.{i}.ffn_gate_inp.weight", (h, experts), Q.F32),
        (f"blk.{i}.ffn_gate_exps.weight", (h, ff, experts), Q.Q4_K),
        (f"blk.{i}.ffn_up_exps.weight", (h, ff, experts), Q.Q4_K),
        (f"blk.{i}.ffn_down_exps.weight", (ff, h, experts), Q.Q4_K),
        (f"blk.{i}.ffn_gate_inp_shexp.weight", (h,), Q.F32),
        (f"blk.{i}.ffn_gate_shexp.weight", (h, ff), Q.Q4_K),
        (f"blk.{i}.ffn_up_shexp.weight", (h, ff), Q.Q4_K),
        (f"blk.{i}.ffn_down_shexp.weight", (ff, h), Q.Q4_K),
    ]


def qwen3_next(path: Path) -> Path:
    """Qwen3-Next 80B-A3B: 48 layers of 2,048; layers 3, 7, ..., 47 full attention (16 heads, 2 KV heads of 256,
    the query projection doubled for the output gate, q/k norms), the other 36 Gated DeltaNet (16 key heads and
    32 value heads of 128, convolution of 4); every layer 512 experts of 512 (top 10) plus a gated shared expert
    of 512; vocabulary 151,936."""
    h, vocab = 2048, 151_936
    key_dim, value_dim = 16 * 128, 32 * 128
    tensors: Tensors = [("token_embd.weight", (h, vocab), Q.Q4_K)]
    for i in range(48):
        tensors.append((f"blk.{i}.attn_norm.weight", (h,), Q.F32))
        if (i + 1) % 4 == 0:
            tensors += [
                (f"blk.{i}.attn_q.weight", (h, 2 * 16 * 256), Q.Q4_K),
                (f"blk.{i}.attn_k.weight", (h, 2 * 256), Q.Q4_K),
                (f"blk.{i}.attn_v.weight", (h, 2 * 256), Q.Q4_K),
                (f"blk.{i}.attn_output.weight", (16 * 256, h), Q.Q4_K),
                (f"blk.{i}.attn_q_norm.weight", (256,), Q.F32),
                (f"blk.{i}.attn_k_norm.weight", (256,), Q.F32),
            ]
        else:
            tensors += [
                (f"blk.{i}.ssm_in.weight", (h, 2 * key_dim + 2 * value_dim), Q.Q4_K),
                (f"blk.{i}.ssm_ba.weight", (h, 2 * 32), Q.F32),
                (f"blk.{i}.ssm_conv1d.weight", (4, 2 * key_dim + value_dim), Q.F32),
                (f"blk.{i}.ssm_dt.bias", (32,), Q.F32),
                (f"blk.{i}.ssm_a", (32,), Q.F32),
                (f"blk.{i}.ssm_norm.weight", (128,), Q.F32),
                (f"blk.{i}.ssm_out.weight", (value_dim, h), Q.Q4_K),
            ]
        tensors.append((f"blk.{i}.post_attention_norm.weight", (h,), Q.F32))
        tensors += _moe_block(i, h, 512, 512)
    tensors += [("output_norm.weight", (h,), Q.F32), ("output.weight", (h, vocab), Q.Q4_K)]
    metadata = {
        "block_count": 48,
        "context_length": 262_144,
        "embedding_length": h,
        "feed_forward_length": 5120,
        "attention.head_count": 16,
        "attention.head_count_kv": 2,
        "attention.key_length": 256,
        "attention.value_length": 256,
        "attention.layer_norm_rms_epsilon": 1e-6,
        "expert_count": 512,
        "expert_used_count": 10,
        "expert_feed_forward_length": 512,
        "expert_shared_feed_forward_length": 512,
        "ssm.conv_kernel": 4,
        "ssm.inner_size": value_dim,
        "ssm.state_size": 128,
        "ssm.time_step_rank": 32,
        "ssm.group_count": 16,
    }
    kind = LlamaFileType.MOSTLY_Q4_K_M
    return write_gguf(path, "qwen3next", metadata, tensors, vocab=vocab, file_type=kind, data=False, tokens=False)


def gemma3n_e4b(path: Path) -> Path:
    """Gemma 3n E4B's text model: 35 layers of 2,048, 8 heads and 2 KV heads of 256 with q/k norms, GeGLU MLP of
    16,384, four norms a layer; per-layer embeddings of 256 a layer; AltUp (4 streams) and LAuReL (rank 64)
    tensors; tied output. llama.cpp's converter pads both token tables from the 262,144 text tokens to the
    config's 262,400 (the image and audio token slots; ``Gemma3NModel.modify_tensors``)."""
    h, ple, vocab, layers = 2048, 256, 262_400, 35
    tensors: Tensors = [
        ("token_embd.weight", (h, vocab), Q.Q4_K),
        ("per_layer_token_embd.weight", (ple * layers, vocab), Q.Q4_K),
        ("altup_proj.weight", (h, h, 3), Q.BF16),
        ("altup_unembd_proj.weight", (h, h, 3), Q.BF16),
        ("per_layer_model_proj.weight", (h, ple * layers), Q.BF16),
        ("per_layer_proj_norm.weight", (ple,), Q.F32),
    ]
    for i in range(layers):
        tensors += [
            (f"blk.{i}.attn_norm.weight", (h,), Q.F32),
            (f"blk.{i}.attn_q.weight", (h, 8 * 256), Q.Q4_K),
            (f"blk.{i}.attn_k.weight", (h, 2 * 256), Q.Q4_K),
            (f"blk.{i}.attn_v.weight", (h, 2 * 256), Q.Q4_K),
            (f"blk.{i}.attn_output.weight", (8 * 256, h), Q.Q4_K),
            (f"blk.{i}.attn_q_norm.weight", (256,), Q.F32),
            (f"blk.{i}.attn_k_norm.weight", (256,), Q.F32),
            (f"blk.{i}.post_attention_norm.weight", (h,), Q.F32),
            (f"blk.{i}.ffn_norm.weight", (h,), Q.F32),
            (f"blk.{i}.ffn_gate.weight", (h, 16_384), Q.Q4_K),
            (f"blk.{i}.ffn_up.weight", (h, 16_384), Q.Q4_K),
            (f"blk.{i}.ffn_down.weight", (16_384, h), Q.Q4_K),
            (f"blk.{i}.post_ffw_norm.weight", (h,), Q.F32),
            (f"blk.{i}.inp_gate.weight", (h, ple), Q.BF16),
            (f"blk.{i}.proj.weight", (ple, h), Q.BF16),
            (f"blk.{i}.post_norm.weight", (h,), Q.F32),
            (f"blk.{i}.altup_correct_coef.weight", (4, 4), Q.F32),
            (f"blk.{i}.altup_correct_scale.weight", (h,), Q.F32),
            (f"blk.{i}.altup_predict_coef.weight", (4, 16), Q.F32),
            (f"blk.{i}.altup_router.weight", (h, 4), Q.BF16),
            (f"blk.{i}.altup_router_norm.weight", (h,), Q.F32),
            (f"blk.{i}.laurel_l.weight", (h, 64), Q.BF16),
            (f"blk.{i}.laurel_r.weight", (64, h), Q.BF16),
            (f"blk.{i}.laurel_post_norm.weight", (h,), Q.F32),
        ]
    tensors.append(("output_norm.weight", (h,), Q.F32))
    metadata = {
        "block_count": layers,
        "context_length": 32_768,
        "embedding_length": h,
        "feed_forward_length": [16_384] * layers,
        "attention.head_count": 8,
        "attention.head_count_kv": 2,
        "attention.key_length": 256,
        "attention.value_length": 256,
        "attention.layer_norm_rms_epsilon": 1e-6,
        "attention.sliding_window": 512,
        "attention.sliding_window_pattern": [(i + 1) % 5 != 0 for i in range(layers)],
        "attention.shared_kv_layers": 15,
        "embedding_length_per_layer_input": ple,
        "altup.active_idx": 0,
        "altup.num_inputs": 4,
    }
    kind = LlamaFileType.MOSTLY_Q4_K_M
    return write_gguf(path, "gemma3n", metadata, tensors, vocab=vocab, file_type=kind, data=False, tokens=False)


def gpt_oss_20b(path: Path) -> Path:
    """gpt-oss-20b as released: 24 layers of 2,880, 64 heads and 8 KV heads of 64 with biases and a sink per
    head; 32 experts of 2,880 (top 4) in MXFP4 with BF16 biases, a router with a bias; the rest BF16;
    vocabulary 201,088; untied output."""
    h, q, kv, e, ff, vocab = 2880, 64 * 64, 8 * 64, 32, 2880, 201_088
    tensors: Tensors = [("token_embd.weight", (h, vocab), Q.BF16)]
    for i in range(24):
        tensors += [
            (f"blk.{i}.attn_norm.weight", (h,), Q.F32),
            (f"blk.{i}.attn_q.weight", (h, q), Q.BF16),
            (f"blk.{i}.attn_q.bias", (q,), Q.F32),
            (f"blk.{i}.attn_k.weight", (h, kv), Q.BF16),
            (f"blk.{i}.attn_k.bias", (kv,), Q.F32),
            (f"blk.{i}.attn_v.weight", (h, kv), Q.BF16),
            (f"blk.{i}.attn_v.bias", (kv,), Q.F32),
            (f"blk.{i}.attn_output.weight", (q, h), Q.BF16),
            (f"blk.{i}.attn_output.bias", (h,), Q.F32),
            (f"blk.{i}.attn_sinks.weight", (64,), Q.F32),
            (f"blk.{i}.post_attention_norm.weight", (h,), Q.F32),
            (f"blk.{i}.ffn_gate_inp.weight", (h, e), Q.BF16),
            (f"blk.{i}.ffn_gate_inp.bias", (e,), Q.F32),
            (f"blk.{i}.ffn_gate_exps.weight", (h, ff, e), Q.MXFP4),
            (f"blk.{i}.ffn_gate_exps.bias", (ff, e), Q.F32),
            (f"blk.{i}.ffn_up_exps.weight", (h, ff, e), Q.MXFP4),
            (f"blk.{i}.ffn_up_exps.bias", (ff, e), Q.F32),
            (f"blk.{i}.ffn_down_exps.weight", (ff, h, e), Q.MXFP4),
            (f"blk.{i}.ffn_down_exps.bias", (h, e), Q.F32),
        ]
    tensors += [("output_norm.weight", (h,), Q.F32), ("output.weight", (h, vocab), Q.BF16)]
    metadata = {
        "block_count": 24,
        "context_length": 131_072,
        "embedding_length": h,
        "feed_forward_length": ff,
        "attention.head_count": 64,
        "attention.head_count_kv": 8,
        "attention.key_length": 64,
        "attention.value_length": 64,
        "attention.layer_norm_rms_epsilon": 1e-5,
        "attention.sliding_window": 128,
        "expert_count": e,
        "expert_used_count": 4,
        "expert_feed_forward_length": ff,
        "rope.freq_base": 150_000.0,
    }
    kind = LlamaFileType.MOSTLY_MXFP4_MOE
    return write_gguf(path, "gpt-oss", metadata, tensors, vocab=vocab, file_type=kind, data=False, tokens=False)
