"""`vrambot estimate ORG/NAME`, `vrambot ask "... ORG/NAME"` and `vrambot catalog add ORG/NAME` against a
stand-in of the Hub, with the real huggingface_hub client.

In-process runs point the client at the stand-in the way its own test suite does (its ``constants``); the
subprocess test sets the real environment variables (HF_ENDPOINT, HF_HOME, HF_HUB_OFFLINE) instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from huggingface_hub import constants

from bot.cli import main
from bot.sources.hub import read_hub_model
from bot.sources.resolve import resolve_model
from knowledge import ask
from knowledge.estimator.catalog import Model
from knowledge.estimator.data_files import PACKAGE_DATA
from tests.hub_standin import TOKEN, HubStandIn, Repo

CONFIGS = Path(__file__).parents[2] / "knowledge" / "estimator" / "data" / "hub_configs"
QWEN3_8B = json.loads((CONFIGS / "qwen3-8b.json").read_text())
QWEN3_8B_PARAMS = 8_190_735_360  # Qwen/Qwen3-8B's safetensors total
GIB = 2**30
ROOT = Path(__file__).parents[3]


def repos() -> dict[str, Repo]:
    return {
        "acme/Qwen3-8B-Distill": Repo.with_config(QWEN3_8B, safetensors_total=QWEN3_8B_PARAMS),
        "acme/Gated-8B": Repo.with_config(QWEN3_8B, safetensors_total=QWEN3_8B_PARAMS, gated=True),
        # a GPTQ checkpoint: the Hub counts packed int32 words, a quarter of the weights
        "acme/Qwen3-8B-GPTQ": Repo.with_config(QWEN3_8B, safetensors_total=QWEN3_8B_PARAMS // 4),
    }


@pytest.fixture
def hub(monkeypatch, tmp_path):
    standin = HubStandIn(repos())
    monkeypatch.setattr(constants, "ENDPOINT", standin.url)  # what HF_ENDPOINT sets when the client is imported
    template = standin.url + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "token"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    read_hub_model.cache_clear()
    yield standin
    standin.close()
    read_hub_model.cache_clear()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_estimate_a_hub_repo(hub):
    """The model is the repo's config.json: Qwen3-8B's 8,190,735,360 parameters in fp16 are 2 bytes each."""
    result = run("estimate", "acme/Qwen3-8B-Distill", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"]["name"] == "acme/Qwen3-8B-Distill" and data["model"]["params_b"] == 8.191
    assert data["memory"]["weights_gib"] == round(QWEN3_8B_PARAMS * 2 / GIB, 3)
    assert data["assumptions"][0] == (
        "architecture from acme/Qwen3-8B-Distill's config.json on the Hugging Face Hub; "
        "8.19 B parameters per the Hub's safetensors metadata"
    )


def test_estimate_a_hub_url(hub):
    result = run("estimate", "https://huggingface.co/acme/Qwen3-8B-Distill", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["model"]["name"] == "acme/Qwen3-8B-Distill"


def test_a_repo_the_catalog_holds_is_answered_from_the_catalog(hub):
    """meta-llama/Llama-3.1-8B is the catalog's source for Llama 3.1 8B: no request reaches the Hub."""
    result = run("estimate", "meta-llama/Llama-3.1-8B", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["model"]["id"] == "llama-3.1-8b"
    assert hub.requests == []


@pytest.mark.parametrize(
    ("repo", "line"),
    [
        ("nobody/nothing", "Error: No model nobody/nothing on the Hugging Face Hub (http://127.0.0.1:"),
        (
            "acme/Gated-8B",
            "Error: acme/Gated-8B is gated on the Hugging Face Hub. Accept its terms on its page, "
            "then set HF_TOKEN to an access token of that account.",
        ),
    ],
    ids=["unknown", "gated"],
)
def test_unknown_and_gated_repos_are_one_line_and_exit_2(hub, repo, line):
    result = run("estimate", repo)
    assert result.exit_code == 2 and result.output.startswith(line)
    assert len(result.output.strip().splitlines()) == 1


def test_hf_token_opens_a_gated_repo(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert run("estimate", "acme/Gated-8B").exit_code == 0


def test_offline_uses_the_cache_or_says_so(hub, monkeypatch):
    """HF_HUB_OFFLINE: a repo never read is one line; one read before is answered from the cache."""
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    result = run("estimate", "acme/Qwen3-8B-Distill")
    assert result.exit_code == 2 and result.output.startswith("Error: HF_HUB_OFFLINE is set")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    assert run("estimate", "acme/Qwen3-8B-Distill").exit_code == 0
    read_hub_model.cache_clear()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    hub.requests.clear()
    assert run("estimate", "acme/Qwen3-8B-Distill").exit_code == 0 and hub.requests == []


def test_ask_about_a_hub_repo(hub):
    """An RTX 4090 (24 GiB) holds Qwen3-8B in fp16: 15.3 GiB of weights, 0.56 GiB of KV cache at 4,096 tokens
    (36 layers x 2 x 8 KV heads x 128 x 4,096 x 2 bytes); the answer says the figures come from the Hub."""
    result = run("ask", "can a 4090 run acme/Qwen3-8B-Distill?", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["model"]["name"] == "acme/Qwen3-8B-Distill" and answer["verdict"] == "yes"
    assert answer["memory"]["kv_cache_gib"] == round(36 * 2 * 8 * 128 * 4096 * 2 / GIB, 3)
    assert "config.json on the Hugging Face Hub" in answer["text"]
    assert answer["url"] == f"{hub.url}/acme/Qwen3-8B-Distill"


def test_ask_in_spanish_and_follow_up(hub):
    """The Spanish answer says where the figures come from; "¿y en una 3060?" keeps the Hub model."""
    first = ask("¿Puede una RTX 4090 correr https://huggingface.co/acme/Qwen3-8B-Distill?", resolve_model=resolve_model)
    assert first.error is None and first.language == "es"
    assert "según los metadatos safetensors del Hub" in first.text
    follow = ask("¿y en una 3060?", previous=first, resolve_model=resolve_model)
    assert follow.model is not None and follow.model.name == "acme/Qwen3-8B-Distill"
    assert follow.gpu is not None and follow.gpu.id == "rtx-3060-12gb"


def test_ask_about_an_unknown_repo(hub):
    result = run("ask", "can a 4090 run nobody/nothing-7B?")
    assert result.exit_code == 2
    assert result.output.startswith("There is no model nobody/nothing-7B on the Hugging Face Hub")


def test_catalog_add_prints_a_draft_and_writes_only_when_asked(hub, monkeypatch, tmp_path):
    result = run("catalog", "add", "acme/Qwen3-8B-Distill")
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(result.output)  # the comment line and an indented list
    entry = Model.model_validate(entries[0])
    assert (entry.id, entry.params_official, entry.params) == ("qwen3-8b-distill", QWEN3_8B_PARAMS, QWEN3_8B_PARAMS)
    assert entry.source == "https://huggingface.co/acme/Qwen3-8B-Distill/blob/main/config.json"
    copy = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, copy)
    monkeypatch.setenv("VRAMBOT_DATA_DIR", str(copy))
    assert run("catalog", "add", "acme/Qwen3-8B-Distill", "--write").exit_code == 0
    written = yaml.safe_load((copy / "models.yaml").read_text())["models"]
    assert written[-1]["id"] == "qwen3-8b-distill" and Model.model_validate(written[-1]).params == QWEN3_8B_PARAMS
    assert (PACKAGE_DATA / "models.yaml").read_text() != (copy / "models.yaml").read_text()
    refused = run("catalog", "add", "meta-llama/Llama-3.1-8B")
    assert refused.exit_code == 2 and "already has" in refused.output
    packed = run("catalog", "add", "acme/Qwen3-8B-GPTQ", "--write")
    assert packed.exit_code == 2 and "the catalog would refuse the entry" in packed.output


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_environment_variables_are_honoured(tmp_path):
    """Fresh processes: HF_ENDPOINT picks the Hub, HF_HOME its cache, HF_HUB_OFFLINE reads only that cache;
    with nothing listening at HF_ENDPOINT the answer is one line, exit 2, well within 10 s."""
    standin = HubStandIn(repos())
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env |= {"HF_ENDPOINT": standin.url, "HF_HOME": str(tmp_path / "hf-home")}
    command = [sys.executable, "-c", "from bot.cli import main; main()", "estimate"]
    started = time.monotonic()
    unreachable = subprocess.Popen(  # alongside the online run: the suite runs on two cores
        [*command, "acme/Other-7B"],
        env=env | {"HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ended: list[float] = []
    waiter = threading.Thread(target=lambda: (unreachable.wait(), ended.append(time.monotonic())))
    waiter.start()
    try:
        online = subprocess.run(
            [*command, "acme/Qwen3-8B-Distill"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert online.returncode == 0, online.stderr
        assert list((tmp_path / "hf-home" / "hub").glob("models--acme--Qwen3-8B-Distill/snapshots/*/config.json"))
    finally:
        standin.close()
        waiter.join(60)
        out, err = unreachable.communicate(timeout=60)
    assert unreachable.returncode == 2 and out == "" and ended[0] - started < 10
    assert err.startswith("Error: Cannot reach the Hugging Face Hub at http://127.0.0.1:")
    assert len(err.strip().splitlines()) == 1
    offline = subprocess.run(
        [*command, "acme/Qwen3-8B-Distill"],
        env=env | {"HF_HUB_OFFLINE": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 0, offline.stderr
