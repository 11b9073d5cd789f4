"""`vrambot ask "QUESTION" [--json]`: a readable answer, the JSON contract, errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import main

CONTRACT = {
    "question", "language", "intent", "model", "gpu", "task", "precision", "verdict", "memory",
    "suggestion", "tokens_per_s", "training_hours", "recommendations", "url", "text",
}  # fmt: skip
MEMORY = {
    "total_gib", "weights_gib", "kv_cache_gib", "activations_gib", "gradients_gib", "optimizer_gib",
    "overhead_gib", "per_gpu_gib", "ram_gib",
}  # fmt: skip


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["ask", *args])

    return invoke


def test_readable_answer(run):
    """Without --json the answer is printed as a person reads it: verdict, detail, assumptions, link."""
    result = run("Can an RTX 4060 run Llama 3 8B?")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Not as asked, but yes with a change.")
    assert lines[-2].startswith("Assumptions:") and lines[-1].startswith("More: https://")


def test_json_contract(run):
    """--json prints one object with every field of the contract."""
    result = run("Can an RTX 4070 run Llama 2 13B?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= CONTRACT
    assert data["language"] == "en" and data["intent"] == "fit" and data["verdict"] == "with_changes"
    assert data["model"] == {"id": "llama-2-13b", "name": "Llama 2 13B", "params_b": data["model"]["params_b"]}
    assert 12.5 < data["model"]["params_b"] < 13.5
    assert data["gpu"] == {"id": "rtx-4070", "name": "GeForce RTX 4070", "vram_gib": 12, "count": 1}
    assert set(data["memory"]) == MEMORY
    assert data["task"] == "inference" and data["precision"] == "fp16"
    assert data["suggestion"] and data["suggestion"] in data["text"]


def test_json_budget_is_a_gpu_without_id(run):
    """A bare budget ("8GB of VRAM") is a gpu with that vram_gib and no id."""
    data = json.loads(run("What can I run on 8GB of VRAM?", "--json").output)
    assert data["intent"] == "recommend_model"
    assert data["gpu"]["id"] is None and data["gpu"]["vram_gib"] == 8
    assert data["recommendations"] and all(r["kind"] == "model" for r in data["recommendations"])


def test_json_how_many_gpus_is_the_count(run):
    """For "how many GPUs" questions gpu.count is the number needed."""
    data = json.loads(run("¿Cuántas H100 hacen falta para correr Llama 3.1 405B en fp16?", "--json").output)
    assert data["language"] == "es" and data["intent"] == "recommend_gpu"
    assert data["gpu"]["id"] == "h100-sxm" and data["gpu"]["count"] > 1


def test_question_words_need_no_quotes(run):
    """`vrambot ask can a 4090 run llama 3 8b` works without quotes."""
    result = run("can", "a", "4090", "run", "llama", "3", "8b")
    assert result.exit_code == 0 and result.output.startswith("Yes: Llama 3 8B fits on GeForce RTX 4090")


def test_spanish_question_spanish_answer(run):
    """A Spanish question is answered in Spanish."""
    result = run("¿Cuánta VRAM necesita Llama 3 8B?")
    assert result.exit_code == 0 and result.output.startswith("Llama 3 8B necesita unos")
    assert "Supuestos:" in result.output


def test_unknown_model_exits_2_with_did_you_mean(run):
    """An unknown model prints the did-you-mean message (and the JSON object) and exits with 2."""
    result = run("¿Puede una 4090 correr Llama 9 70B?")
    assert result.exit_code == 2 and "¿Quisiste decir" in result.output and "Traceback" not in result.output
    data = json.loads(run("Can a 4090 run Llama 9 70B?", "--json").output)
    assert data["error"] == "unknown_model" and "Did you mean" in data["text"]


def test_help_and_unknown_are_not_errors(run):
    """Help and an unknown question exit 0."""
    assert run("ayuda").exit_code == 0
    result = run("what's the capital of France?")
    assert result.exit_code == 0 and "Try:" in result.output


def test_missing_question_is_a_usage_error(run):
    """`vrambot ask` with no question says what is missing."""
    result = run()
    assert result.exit_code == 2 and "QUESTION" in result.output


def test_the_ask_path_stays_light(tmp_path):
    """`vrambot ask` imports no terminal, template or chat libraries (it starts fast); once the cache is written,
    no YAML or .po parser, no Babel locale data, no Hub or GGUF reader and no package-metadata scan either."""
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        "    main(['ask', 'Can an RTX 4060 run Llama 3 8B?'], standalone_mode=False)\n"
        "finally:\n"
        "    heavy = ('rich', 'jinja2', 'discord', 'slack_bolt', 'aiohttp', 'mkdocs', 'yaml', 'babel.numbers',\n"
        "             'babel.messages', 'huggingface_hub', 'gguf', 'importlib.metadata')\n"
        "    print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "VRAMBOT_CACHE_DIR": str(tmp_path)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert "'rich'" not in first and "'discord'" not in first  # a first start parses the data, nothing more
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip().splitlines()[-1] == "[]"
