"""Impossible setups are refused with the message key and the fields the answer is worded from (both languages
render them from the catalogs), and an English line naming the fix."""

from __future__ import annotations

import pytest

from knowledge import InvalidQuery
from knowledge.estimator.estimate import estimate
from tests.knowledge.estimator.physics import job


def test_gguf_weights_cannot_be_trained():
    with pytest.raises(InvalidQuery) as raised:
        estimate(job("Llama 3.1 8B", task="lora", precision="q4_k_m"))
    assert raised.value.key == "error.lora_precision"
