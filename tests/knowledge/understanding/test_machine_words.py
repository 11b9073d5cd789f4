"""System RAM, money and serving questions, read from English and Spanish text."""

from __future__ import annotations

import pytest

from knowledge.understanding.understand import understand


@pytest.mark.parametrize(
    ("text", "ram", "vram", "gpu"),
    [
        ("Can I run Qwen3 30B-A3B on a 12 GB card with 64 GB of RAM?", 64, 12, None),
        ("¿Puedo correr Llama 3.1 70B en una 4090 con 32 gigas de RAM?", 32, None, "rtx-4090"),
        ("I have 32GB RAM and 8GB VRAM, what model can I run?", 32, 8, None),
        ("can my 3060 run mixtral, I have 64gb ddr5", 64, None, "rtx-3060-12gb"),
    ],
)
def test_system_ram_is_not_read_as_vram(text: str, ram: float, vram: float | None, gpu: str | None) -> None:
    query = understand(text)
    assert (query.ram_gib, query.vram_gib, query.gpu) == (ram, vram, gpu)


def test_a_mac_s_memory_stays_unified_memory() -> None:
    """On a Mac "64GB RAM" is the unified memory the GPU shares, not separate system RAM."""
    query = understand("can a Mac with 64GB RAM run Llama 3 70B?")
    assert query.ram_gib is None


@pytest.mark.parametrize(
    ("text", "budget", "currency"),
    [
        ("best GPU under $800 for 14B", 800, "USD"),
        ("¿qué GPU compro con 600 euros para Llama 3 8B?", 600, "EUR"),
        ("mejor tarjeta por menos de 500 dólares para un 7B", 500, "USD"),
        ("best gpu for llama 3 8b under 1,200 dollars", 1200, "USD"),
        ("which card for llama 3 8b for €450?", 450, "EUR"),
    ],
)
def test_money_is_a_budget_with_its_currency(text: str, budget: float, currency: str) -> None:
    query = understand(text)
    assert (query.budget, query.currency, query.intent) == (budget, currency, "recommend_gpu")


@pytest.mark.parametrize(
    "text",
    [
        "how many users can an L40S serve Llama 3.1 8B at 8k context?",
        "¿Cuántos usuarios a la vez puede atender una L40S con Llama 3.1 8B y un contexto de 8k?",
    ],
)
def test_how_many_users_is_a_serving_question(text: str) -> None:
    query = understand(text)
    assert (query.intent, query.model, query.gpu, query.context_tokens) == ("serve", "llama-3.1-8b", "l40s", 8192)
