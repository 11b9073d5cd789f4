"""Shared pieces of the physics tests: catalog look-ups, a test card with round figures, and the figures the
README's method section states (written here from that text, not imported from the estimator).

Every expected value in ``test_physics_*.py`` is worked out in the test: config.json figures written as
literals, the arithmetic written out, the source named next to it.
"""

from __future__ import annotations

import functools
from typing import Any

from knowledge import Job, load_catalog
from knowledge.estimator.catalog import Catalog, Gpu

GIB = 2**30
# README, Method: "0.5 GiB of CUDA context per GPU plus 5 % that PyTorch's allocator holds beyond the tensors".
CUDA_CONTEXT = GIB // 2
ALLOCATOR_SHARE = 0.05

# The test card: 20 GiB usable, 1,000 GB/s, 100 dense fp16 TFLOPS, so speeds are easy to work out by hand.
CARD_USABLE_GIB = 20.0
CARD_BANDWIDTH_GB_S = 1000.0
CARD_TFLOPS = 100.0


@functools.cache
def catalog() -> Catalog:
    return load_catalog()


def card(usable_gib: float = CARD_USABLE_GIB) -> Gpu:
    """A CUDA card whose usable memory is stated (no driver-reserve rule in the way)."""
    base = Gpu.stand_in("test-card", "Test card", 24)
    return base.model_copy(
        update={
            "stated_usable_memory_gib": usable_gib,
            "memory_source": "the test",
            "memory_bandwidth_gb_s": CARD_BANDWIDTH_GB_S,
            "fp16_tensor_tflops": CARD_TFLOPS,
        }
    )


def job(model: str, **fields: Any) -> Job:
    """A job on a catalog model; ``gpu`` may be a catalog name or a :class:`Gpu`."""
    gpu = fields.pop("gpu", None)
    if isinstance(gpu, str):
        gpu = catalog().find_gpu(gpu)
    return Job(model=catalog().find_model(model), gpu=gpu, **fields)


def overhead(*tensors: float) -> int:
    """CUDA context plus the allocator's share of the tensors (README, Method)."""
    return CUDA_CONTEXT + int(ALLOCATOR_SHARE * sum(tensors))


# config.json of meta-llama/Llama-2-7b-hf: 32 layers, hidden 4096, intermediate 11008, 32 heads of 128,
# vocabulary 32000, untied head. Parameters (exact, see test_physics_params): 6,738,415,616.
LLAMA2_7B_PARAMS = 6_738_415_616
# The linear layers of its 32 blocks: q, k, v, o (4 x 4096 x 4096) + gate, up, down (3 x 4096 x 11008).
LLAMA2_7B_LINEAR = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008)
# Everything else: embeddings and head (2 x 32000 x 4096), 2 RMSNorms per block and the final one.
LLAMA2_7B_OTHER = 2 * 32000 * 4096 + 32 * 2 * 4096 + 4096
