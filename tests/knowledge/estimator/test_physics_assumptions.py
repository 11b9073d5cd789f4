"""Every estimate states its assumptions (project brief), with the figures a reader needs, worked out by hand.

The estimator gives message keys and their fields (the answering layer words them in English or Spanish);
each figure below is the hand arithmetic of test_physics_inference and test_physics_training.
"""

from __future__ import annotations

from knowledge.estimator.estimate import estimate
from tests.knowledge.estimator.physics import LLAMA2_7B_PARAMS, job

P = LLAMA2_7B_PARAMS
W, KV = 2 * P, 2 * 32 * 32 * 128 * 2 * 4096
ACT = 4096 * (4 * 4096 + 6 * 11008) + 32000 * 6
LAYER = 2048 * (10 * 4096 + 2 * 4096 + 4 * 4096 + 8 * 11008)
LOSS = 2048 * 32000 * 6 // 8
CHECKPOINTS = 32 * 2048 * 4096 * 2
TRAINED = 16 * 32 * (4 * (4096 + 4096) + 3 * (4096 + 11008))


def stated(**fields) -> list[tuple[str, dict]]:
    model = fields.pop("model", "Llama 2 7B")
    return [(a.key, dict(a.fields)) for a in estimate(job(model, **fields)).assumptions]










def test_moe_states_its_active_share():
    """Mixtral: 8 experts, 12,879,925,248 parameters active per token = 12.9 B."""
    assert ("assume.moe", {"experts": 8, "active_b": 12.9}) in stated(model="Mixtral 8x7B")






