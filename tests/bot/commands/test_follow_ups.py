"""Follow-ups in the terminal: `vrambot ask --previous ANSWER.json` and the interactive `vrambot chat`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main


def test_previous_answer_file_makes_a_follow_up(tmp_path: Path) -> None:
    """The JSON of one turn, passed back with --previous, keeps its model, runtime and batch."""
    runner = CliRunner()
    first = runner.invoke(main, ["ask", "--json", "can a 4090 run llama 3 8b with vllm at batch size 8"])
    assert first.exit_code == 0, first.output
    saved = tmp_path / "answer.json"
    saved.write_text(first.output, encoding="utf-8")
    second = runner.invoke(main, ["ask", "--json", "--previous", str(saved), "what about a 3090?"])
    assert second.exit_code == 0, second.output
    query = json.loads(second.output)["query"]
    assert (query["model_id"], query["gpu_id"], query["runtime"], query["batch"]) == (
        "llama-3-8b",
        "rtx-3090",
        "vllm",
        8,
    )


def test_previous_that_is_not_an_answer_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A wrong --previous file gets a usage error naming the file and the fix, not a traceback."""
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    result = CliRunner().invoke(main, ["ask", "--previous", str(bad), "and a 3090?"])
    assert result.exit_code == 2
    assert "not an answer printed by `vrambot ask --json`" in result.output
    assert "Traceback" not in result.output


def test_chat_answers_follow_ups_in_each_question_language() -> None:
    """`vrambot chat` keeps the conversation: the second question names no model, and is answered in Spanish."""
    session = "can a 4090 run llama 3 8b\n¿y en una RTX 3060 de 12 GB?\nexit\nnot read\n"
    result = CliRunner().invoke(main, ["chat"], input=session)
    assert result.exit_code == 0, result.output
    answers = [block for block in result.output.strip().split("\n\n") if block.strip()]
    assert len(answers) == 2  # "exit" ended the session before the last line
    assert "Llama 3 8B" in answers[1] and "RTX 3060" in answers[1]
    assert "Supuestos:" in answers[1] and "Assumptions:" in answers[0]
