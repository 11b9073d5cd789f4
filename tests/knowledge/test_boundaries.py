"""The knowledge package stays platform-neutral: no chat or web framework is imported by any of its modules."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "discord", "slack_bolt", "slack_sdk", "aiohttp", "mkdocs", "material", "playwright", "bot",
    "huggingface_hub", "gguf",
)  # fmt: skip

PROBE = f"""
import importlib, pkgutil, sys
import knowledge
for info in pkgutil.walk_packages(knowledge.__path__, "knowledge."):
    importlib.import_module(info.name)
leaked = sorted({{name.split(".")[0] for name in sys.modules}} & set({FORBIDDEN!r}))
print(",".join(leaked))
"""


def test_no_module_of_knowledge_imports_a_chat_or_web_framework():
    """Importing every knowledge module leaves discord, slack, aiohttp, mkdocs and bot unimported."""
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == ""


def test_the_estimator_does_no_io():
    """estimate() and assess() never open files or sockets once the catalog is loaded."""
    probe = """
import builtins, socket
from knowledge import Job, load_catalog
from knowledge.estimator.estimate import estimate
from knowledge.estimator.verdicts import assess
catalog = load_catalog()
import knowledge.estimator.precision as p; p.table()
def refuse(*a, **k): raise AssertionError("I/O in the estimator")
builtins.open = refuse
socket.socket = refuse
job = Job(model=catalog.find_model("Llama 3.1 8B"), task="lora", gpu=catalog.find_gpu("RTX 4090"))
estimate(job); assess(job.model_copy(update={"task": "full_finetune"}))
print("ok")
"""
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert completed.stdout.strip() == "ok", completed.stderr
