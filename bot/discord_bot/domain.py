"""The adapter's only door into the domain: build a :class:`Query` from slash-command options, or pass
free text to ``knowledge.ask`` (both from ``knowledge.answering.respond``). Nothing here decides an answer."""

from __future__ import annotations

from knowledge.answer_model import Answer, Intent, Query
from knowledge.answering.respond import answer as answer_query
from knowledge.answering.respond import ask as ask_question
from knowledge.estimator.catalog import load_catalog
from knowledge.estimator.job import Task
from knowledge.i18n import Language
from knowledge.understanding.understand import read, understand


def ask(question: str, previous: Answer | None, fallback: Language | None = None) -> Answer:
    """A free-text question, understood in context of the conversation's previous answer.

    The answer follows the question's language; a first question with no language of its own
    ("4060 llama 2 7b?") is answered in ``fallback`` (the user's locale, or the server's).
    """
    if fallback is None or previous is not None:
        return ask_question(question, previous=previous)
    query = understand(question, None)
    if query.language != fallback and read(question, load_catalog()).language is None:
        query = query.model_copy(update={"language": fallback})
    return answer_query(query)


def command_text(command: str, options: dict[str, object]) -> str:
    """The slash command as the user typed it ("/fit model:llama-2-7b gpu:rtx-4060")."""
    parts = [f"/{command}"] + [f"{name}:{value}" for name, value in options.items() if value is not None]
    return " ".join(parts)


def run_query(
    intent: Intent,
    language: Language,
    command: str,
    *,
    model: str | None = None,
    gpu: str | None = None,
    task: Task | None = None,
    precision: str | None = None,
    context: int | None = None,
) -> Answer:
    """The answer to a slash command: a :class:`Query` with the options, answered by ``knowledge``."""
    options: dict[str, object] = {
        "model": model,
        "gpu": gpu,
        "task": task,
        "precision": precision,
        "context": context,
    }
    query = Query(
        text=command_text(command, options),
        language=language,
        intent=intent,
        model=model,
        gpu=gpu,
        task=task,
        precision=precision,
        context_tokens=context,
    )
    return answer_query(query)
