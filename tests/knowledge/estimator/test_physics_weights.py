"""Weight bytes per precision, from the storage formats' block layouts, tensor kind by tensor kind.

Sources: ggml-org/llama.cpp ``ggml/src/ggml-common.h`` (block structs: bytes per block of 32 or 256 weights);
llama.cpp ``src/llama-quant.cpp`` (which tensors Q4_K_M / Q3_K_L promote); bitsandbytes and the QLoRA paper
(arXiv 2305.14314, section 3: NF4 blocks of 64 with an fp32 absmax; double quantization of those constants
to 8 bits in blocks of 256); AutoGPTQ/AutoAWQ (4-bit weights, an fp16 scale and a packed 4-bit zero point per
group of 128). The expected figures for Llama 2 7B are worked out from its config.json (see physics.py).
"""

from __future__ import annotations

import pytest

from knowledge.estimator.estimate import estimate
from knowledge.estimator.precision import bits, kv_bytes_per_element, resolve
from tests.knowledge.estimator.physics import (
    LLAMA2_7B_LINEAR,
    job,
)

QK = 32  # weights per block of the legacy types (ggml-common.h QK4_0, QK8_0 ...)
QK_K = 256  # weights per super-block of the k- and i-quants


@pytest.mark.parametrize(
    ("storage", "block_bytes", "block_weights"),
    [
        ("q8_0", 2 + QK, QK),  # fp16 d + 32 int8
        ("q5_1", 2 + 2 + 4 + QK // 2, QK),  # d, m, 32 high bits, 16 bytes of nibbles
        ("q5_0", 2 + 4 + QK // 2, QK),
        ("q4_1", 2 + 2 + QK // 2, QK),
        ("q4_0", 2 + QK // 2, QK),
        ("iq4_nl", 2 + QK // 2, QK),
        ("q6_k", QK_K // 2 + QK_K // 4 + QK_K // 16 + 2, QK_K),  # ql, qh, scales, d
        ("q5_k", 4 + 12 + QK_K // 8 + QK_K // 2, QK_K),  # d+dmin, scales, qh, qs
        ("q4_k", 4 + 12 + QK_K // 2, QK_K),
        ("q3_k", QK_K // 8 + QK_K // 4 + 12 + 2, QK_K),  # hmask, qs, scales, d
        ("q2_k", QK_K // 16 + QK_K // 4 + 4, QK_K),  # scales, qs, d+dmin
        ("iq4_xs", 2 + 2 + QK_K // 64 + QK_K // 2, QK_K),
        ("iq3_s", 2 + QK_K // 4 + QK_K // 32 + QK_K // 8 + QK_K // 64, QK_K),
        ("iq3_xxs", 2 + 3 * QK_K // 8, QK_K),
        ("iq2_s", 2 + QK_K // 4 + QK_K // 32 + QK_K // 32, QK_K),  # 82 bytes: 2.5625 bpw
        ("iq2_xs", 2 + 2 * QK_K // 8 + QK_K // 32, QK_K),
        ("iq2_xxs", 2 + 2 * QK_K // 8, QK_K),
        ("iq1_m", QK_K // 8 + QK_K // 16 + QK_K // 32, QK_K),
        ("iq1_s", 2 + QK_K // 8 + 2 * QK_K // 32, QK_K),
    ],
)
def test_gguf_storage_types_match_their_block_structs(storage, block_bytes, block_weights):
    """bits per weight = 8 x sizeof(block) / weights per block (ggml-common.h)."""
    assert bits(storage) == 8 * block_bytes / block_weights


@pytest.mark.parametrize(
    ("storage", "bits_per_weight"),
    [
        ("f32", 32),
        ("f16", 16),
        ("bf16", 16),
        ("fp8", 8),  # e4m3 / e5m2
        ("int8", 8),  # LLM.int8: int8 weights (the per-row fp32 scale is under 0.01 bit at 4096 columns)
        ("nf4", 4 + 32 / 64),  # 4-bit codes + one fp32 absmax per 64 weights
        ("nf4_dq", 4 + 8 / 64 + 32 / (64 * 256)),  # absmax in 8 bits + one fp32 constant per 256 blocks
        ("gptq4_g128", 4 + (16 + 4) / 128),  # fp16 scale + 4-bit zero point per group of 128
    ],
)
def test_float_and_bitsandbytes_storage_types(storage, bits_per_weight):
    assert bits(storage) == bits_per_weight


@pytest.mark.parametrize(
    ("kv", "bytes_per_element"),
    [("fp32", 4), ("fp16", 2), ("bf16", 2), ("fp8", 1), ("q8_0", 34 / 32), ("q4_0", 18 / 32)],
)
def test_kv_cache_element_sizes(kv, bytes_per_element):
    """llama.cpp's -ctk/-ctv q8_0 and q4_0 store K and V in the same blocks as weights."""
    assert kv_bytes_per_element(kv) == bytes_per_element


def weights(precision: str, **fields) -> int:
    return estimate(job("Llama 2 7B", precision=precision, **fields)).memory.weights_bytes


# Llama 2 7B's tensors by kind (config.json): 32 blocks of v (4096 x 4096), o (4096 x 4096), down (11008 x 4096).
ATTN_V = 32 * 4096 * 4096
ATTN_OUTPUT = 32 * 4096 * 4096
FFN_DOWN = 32 * 4096 * 11008
EMBEDDING = HEAD = 32000 * 4096
NORMS = 32 * 2 * 4096 + 4096






def test_double_quantization_saves_0_373_bits_per_weight():
    """QLoRA paper: 32/64 - (8/64 + 32/(64 x 256)) = 0.373 bit per quantized weight (about 3 GB on 65B)."""
    saved = weights("nf4") - weights("nf4_dq")
    assert saved == pytest.approx(LLAMA2_7B_LINEAR * (0.5 - 8 / 64 - 32 / 16384) / 8, abs=2)


def test_mla_has_no_attn_v_tensor_to_promote():
    """DeepSeek V3 Q4_K_M: MLA has no separate v projection; only ffn_down is promoted, and attn_output stays
    Q4_K. With promoted share 1/2 the file exceeds the Q4_K_S one by half of ffn_down times (6.5625 - 4.5)."""
    h = 7168
    down = 3 * h * 18432 + 58 * 257 * h * 2048  # 3 dense ffn_down (18432 x 7168) + 58 x 257 experts'
    small = estimate(job("DeepSeek V3", precision="q4_k_s")).memory.weights_bytes
    medium = estimate(job("DeepSeek V3", precision="q4_k_m")).memory.weights_bytes
    assert medium - small == pytest.approx(down * (6.5625 - 4.5) / 2 / 8, abs=2)


def test_q3_k_l_promotes_attn_output_of_every_layer():
    """Without MLA, attn_output is heads x head_dim x hidden per layer (Llama 3.1 8B: 4096 x 4096)."""
    small = estimate(job("Llama 3.1 8B", precision="q3_k_s")).memory.weights_bytes
    large = estimate(job("Llama 3.1 8B", precision="q3_k_l")).memory.weights_bytes
    v, down, o = 32 * 4096 * 1024, 32 * 4096 * 14336, 32 * 4096 * 4096
    assert large - small == pytest.approx((v + down + o) * (5.5 - 3.4375) / 8, abs=2)




@pytest.mark.parametrize(
    ("typed", "precision_id"),
    [
        ("FP16", "fp16"), ("bfloat16", "bf16"), ("8-bit", "int8"), ("int4", "gptq"), ("Q4_K_M", "q4_k_m"),
        ("q4km", "q4_k_m"),
    ],
)
def test_precision_names_people_type(typed, precision_id):
    assert resolve(typed).id == precision_id
