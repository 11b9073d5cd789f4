"""Links into the reference site: every model and GPU has a stable page whose slug is its catalog id.

The site is Spanish by default (``modelos/<id>/``) with English under ``/en/`` and English slugs
(``/en/models/<id>/``; the old ``/en/modelos/`` URLs redirect). The base URL comes from the environment
variable ``VRAMBOT_SITE_URL`` (read once, at import), so a deployment can point the bots at its own copy.
"""

from __future__ import annotations

import os

from knowledge.i18n import Language

DEFAULT_SITE_URL = "https://vrambot.github.io/vrambot"
SITE_URL = os.environ.get("VRAMBOT_SITE_URL", DEFAULT_SITE_URL).rstrip("/")


def _prefix(lang: Language, base: str | None) -> str:
    root = (base or SITE_URL).rstrip("/")
    return root if lang == "es" else f"{root}/en"


_MODELS_SLUG: dict[Language, str] = {"es": "modelos", "en": "models"}


def model_path(model_id: str, lang: Language = "es") -> str:
    """Site-relative path of a model's page in ``lang``'s tree."""
    return f"{_MODELS_SLUG[lang]}/{model_id}/"


def gpu_path(gpu_id: str) -> str:
    """Site-relative path of a GPU's page (the same slug in both languages)."""
    return f"gpus/{gpu_id}/"


def model_url(model_id: str, lang: Language, base: str | None = None) -> str:
    return f"{_prefix(lang, base)}/{model_path(model_id, lang)}"


def gpu_url(gpu_id: str, lang: Language, base: str | None = None) -> str:
    return f"{_prefix(lang, base)}/{gpu_path(gpu_id)}"


def home_url(lang: Language, base: str | None = None) -> str:
    return f"{_prefix(lang, base)}/"
