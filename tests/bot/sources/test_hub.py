"""The Hub reader against a stand-in of the Hub's HTTP API, with the real huggingface_hub client.

Each test points the client at the stand-in (``endpoint``) with a cache in tmp_path; the requests the
stand-in saw show what the client asked for.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from bot.sources.hub import DEADLINE_S, read_hub_model
from knowledge.errors import ModelSourceError
from tests.hub_standin import TOKEN, HubStandIn, Repo, safetensors_file

CONFIGS = Path(__file__).parents[2] / "knowledge" / "estimator" / "data" / "hub_configs"
QWEN3_8B = json.loads((CONFIGS / "qwen3-8b.json").read_text())
MAMBA = {"architectures": ["MambaForCausalLM"], "model_type": "mamba", "hidden_size": 768, "num_hidden_layers": 24}


@pytest.fixture
def hub():
    standin = HubStandIn(
        {
            "Qwen/Qwen3-8B": Repo.with_config(QWEN3_8B, safetensors_total=8_190_735_360),
            "someone/qwen3-8b-copy": Repo(
                files={
                    "config.json": json.dumps(QWEN3_8B).encode(),
                    # one file of two tensors: 1,000 x 1,000 in BF16 and 10 in F32
                    "model.safetensors": safetensors_file({"a": ("BF16", [1000, 1000]), "b": ("F32", [10])}),
                }
            ),
            "someone/no-weights": Repo.with_config(QWEN3_8B),
            "meta-llama/Gated-8B": Repo.with_config(QWEN3_8B, safetensors_total=8_190_735_360, gated=True),
            "someone/Model-GGUF": Repo(files={"model-Q4_K_M.gguf": b"GGUF"}),
            "state-spaces/mamba-130m-hf": Repo.with_config(MAMBA),
        }
    )
    yield standin
    standin.close()
    read_hub_model.cache_clear()


def read(hub, repo, tmp_path, **kwargs):
    return read_hub_model(repo, endpoint=hub.url, cache_dir=str(tmp_path / "hf"), **kwargs)


def test_reads_config_and_the_hubs_parameter_count(hub, tmp_path):
    """model_info gives the count; config.json comes through resolve/main with the Hub's headers."""
    model = read(hub, "Qwen/Qwen3-8B", tmp_path)
    assert model.name == "Qwen/Qwen3-8B" and model.provenance is not None
    assert model.provenance.params_counted == 8_190_735_360 and model.params == 8_190_735_360
    paths = [(method, path) for method, path, _ in hub.requests]
    assert ("GET", "/api/models/Qwen/Qwen3-8B") in paths
    assert ("GET", "/Qwen/Qwen3-8B/resolve/main/config.json") in paths
    assert list((tmp_path / "hf").glob("models--Qwen--Qwen3-8B/snapshots/*/config.json"))  # the client's cache


def test_without_a_summary_the_safetensors_header_is_read(hub, tmp_path):
    """No safetensors summary in model_info: the count comes from the file's header (a range request), here
    1,000 x 1,000 + 10 = 1,000,010 parameters."""
    model = read(hub, "someone/qwen3-8b-copy", tmp_path)
    assert model.provenance is not None and model.provenance.params_counted == 1_000_010
    ranges = [h.get("Range") or h.get("range") for m, p, h in hub.requests if p.endswith("model.safetensors")]
    assert "bytes=0-100000" in ranges


def test_without_any_count_the_config_counts(hub, tmp_path):
    model = read(hub, "someone/no-weights", tmp_path)
    assert model.provenance is not None and model.provenance.params_counted is None
    assert model.params_official == 8_190_735_360  # computed from the same config as Qwen3-8B


@pytest.mark.parametrize(
    ("repo", "key", "words"),
    [
        ("nobody/nothing", "error.hub_not_found", "No model nobody/nothing on the Hugging Face Hub"),
        ("meta-llama/Gated-8B", "error.hub_gated", "then set HF_TOKEN"),
        ("someone/Model-GGUF", "error.hub_no_config", "has no config.json"),
        ("state-spaces/mamba-130m-hf", "error.config_unsupported", "model_type 'mamba', so vrambot cannot estimate"),
    ],
)
def test_failures_are_one_line(hub, tmp_path, repo, key, words):
    with pytest.raises(ModelSourceError) as caught:
        read(hub, repo, tmp_path)
    assert caught.value.key == key and words in str(caught.value) and "\n" not in str(caught.value)


def test_a_token_opens_a_gated_repo(hub, tmp_path):
    """With the account's token the gated repo's files are served; the token goes as a Bearer header."""
    model = read(hub, "meta-llama/Gated-8B", tmp_path, token=TOKEN)
    assert model.name == "meta-llama/Gated-8B"
    sent = [h.get("Authorization") or h.get("authorization") for _, p, h in hub.requests if "resolve" in p]
    assert f"Bearer {TOKEN}" in sent


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_network_is_one_line_at_once(tmp_path):
    """Nothing listens at the endpoint: the answer is immediate, not after the client's retries."""
    started = time.monotonic()
    with pytest.raises(ModelSourceError) as caught:
        read_hub_model("org/model", endpoint=f"http://127.0.0.1:{_closed_port()}", cache_dir=str(tmp_path))
    assert time.monotonic() - started < 3
    assert caught.value.key == "error.hub_unreachable" and "connection failed" in str(caught.value)


def test_a_stalled_hub_gives_up_at_the_deadline(tmp_path):
    """A Hub that accepts and never answers: one line when the deadline passes (1 s here; 9 s by default)."""
    assert DEADLINE_S < 10
    stalled = HubStandIn({}, stall=True)
    try:
        started = time.monotonic()
        with pytest.raises(ModelSourceError, match="no answer within 1 s"):
            read_hub_model("org/model", endpoint=stalled.url, cache_dir=str(tmp_path), deadline_s=1.0)
        assert time.monotonic() - started < 2
    finally:
        stalled.close()


def test_a_repo_read_once_is_answered_from_the_cache_when_the_hub_is_gone(hub, tmp_path):
    """The second read finds no Hub (closed) and takes config.json from the client's cache; the parameter
    count, which only the Hub gives, is then computed from the config."""
    first = read(hub, "Qwen/Qwen3-8B", tmp_path)
    endpoint = hub.url
    hub.close()
    read_hub_model.cache_clear()
    again = read_hub_model("Qwen/Qwen3-8B", endpoint=endpoint, cache_dir=str(tmp_path / "hf"))
    assert again.architecture == first.architecture
    assert again.provenance is not None and again.provenance.params_counted is None
