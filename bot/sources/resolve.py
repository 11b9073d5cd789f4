"""The one door the front ends use for models outside the catalog.

``resolve_model`` is the hook ``knowledge.ask(..., resolve_model=...)`` and ``knowledge.answer`` call with a
Hugging Face repo id; ``model_argument`` reads the MODEL argument of `vrambot estimate`: a GGUF file's path, a
Hub repo id or URL, or a catalog name. The readers are imported on first use, so a question about a catalog
model never loads huggingface_hub or gguf.
"""

from __future__ import annotations

from knowledge.estimator.catalog import Model, load_catalog
from knowledge.understanding.hub_refs import hub_reference


def resolve_model(reference: str) -> Model:
    """A model named by its Hub repo ("org/name", or its URL) or by a GGUF file's path; one-line error otherwise."""
    if reference.lower().endswith(".gguf"):
        from bot.sources.gguf_file import gguf_file_model

        return gguf_file_model(reference)
    repo = hub_reference(reference) or reference
    known = load_catalog().find_repo(repo)
    if known is not None:
        return known
    from bot.sources.hub import read_hub_model

    return read_hub_model(repo)


def model_argument(name: str) -> Model:
    """The model a command-line argument names: a .gguf path, a Hub repo id or URL, or a catalog model."""
    if name.lower().endswith(".gguf") or hub_reference(name) is not None:
        return resolve_model(name)
    return load_catalog().find_model(name)
