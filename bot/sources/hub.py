"""Read a model from the Hugging Face Hub: its ``config.json`` and its parameter count.

Uses the ``huggingface_hub`` client, so ``HF_ENDPOINT`` (a mirror), ``HF_TOKEN`` (gated and private repos),
``HF_HUB_OFFLINE`` and ``HF_HOME``/``HF_HUB_CACHE`` (its disk cache) work as they do for every Hugging Face
tool. ``HfApi().model_info`` gives the repo's canonical id and the safetensors parameter count the Hub
computes; where it has none, the safetensors header of a single-file repo is read with
``get_safetensors_metadata`` (range requests). ``hf_hub_download`` fetches ``config.json`` through the cache,
so a repo read once is answered offline afterwards.

Every failure is one :class:`~knowledge.errors.ModelSourceError` line (unknown repo, gated repo, Hub
unreachable, offline without a cached copy, no config.json), and the whole read gives up after
:data:`DEADLINE_S` seconds. The conversion of the config is the pure
:func:`knowledge.estimator.from_config.hub_model`.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
from huggingface_hub import HfApi, constants, hf_hub_download
from huggingface_hub.errors import (
    DisabledRepoError,
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import disable_progress_bars  # type: ignore[attr-defined]  # lazily exported

from knowledge.errors import KnowledgeError, ModelSourceError
from knowledge.estimator.catalog import Model
from knowledge.estimator.from_config import hub_model

DEADLINE_S = 9.0  # the whole read (the promise is one line within 10 s)
REQUEST_TIMEOUT_S = 4.0  # each request to the Hub
_NETWORK_ERRORS = (httpx2.HTTPError, OfflineModeIsEnabled, OSError)


def _not_found(repo: str, endpoint: str) -> ModelSourceError:
    return ModelSourceError(
        f"No model {repo} on the Hugging Face Hub ({endpoint}). Check the name (org/name), or set HF_TOKEN "
        "if the repo is private.",
        key="error.hub_not_found",
        repo=repo,
        endpoint=endpoint,
    )


def _gated(repo: str) -> ModelSourceError:
    return ModelSourceError(
        f"{repo} is gated on the Hugging Face Hub. Accept its terms on its page, then set HF_TOKEN to an "
        "access token of that account.",
        key="error.hub_gated",
        repo=repo,
    )


def _unreachable(repo: str, endpoint: str, why: str) -> ModelSourceError:
    if constants.is_offline_mode():
        return ModelSourceError(
            f"HF_HUB_OFFLINE is set and {repo}'s config.json is not in the Hugging Face cache. Unset "
            "HF_HUB_OFFLINE to read it from the Hub once.",
            key="error.hub_offline",
            repo=repo,
        )
    return ModelSourceError(
        f"Cannot reach the Hugging Face Hub at {endpoint} ({why}) and {repo}'s config.json is not in the cache. "
        "Check the network, or set HF_ENDPOINT to a mirror.",
        key="error.hub_unreachable",
        repo=repo,
        endpoint=endpoint,
        why=why,
    )


def _why(error: BaseException) -> str:
    if isinstance(error, httpx2.TimeoutException):
        return "no answer in time"
    if isinstance(error, HfHubHTTPError) and error.response is not None:
        return f"HTTP {error.response.status_code}"
    if isinstance(error, OfflineModeIsEnabled):
        return "offline mode"
    return "connection failed"


def _map_http(error: HfHubHTTPError, repo: str, endpoint: str) -> ModelSourceError:
    """The Hub's HTTP errors, as huggingface_hub classifies them, mapped to one line each."""
    if isinstance(error, GatedRepoError):
        return _gated(repo)
    if isinstance(error, (RepositoryNotFoundError, RevisionNotFoundError, DisabledRepoError)):
        return _not_found(repo, endpoint)
    status = error.response.status_code if error.response is not None else 0
    if status in (401, 403):
        return _gated(repo)
    return _unreachable(repo, endpoint, _why(error))


def _params(api: HfApi, repo: str, info: Any, deadline: float) -> int | None:
    """The parameter count: the Hub's safetensors summary, else a single file's safetensors header."""
    summary = getattr(info, "safetensors", None)
    total = getattr(summary, "total", None)
    if isinstance(total, int) and total > 0:
        return total
    files = {sibling.rfilename for sibling in getattr(info, "siblings", None) or ()}
    if "model.safetensors" not in files or deadline - time.monotonic() < 2 * REQUEST_TIMEOUT_S:
        return None
    try:
        metadata = api.get_safetensors_metadata(repo)
    except Exception:  # an optional refinement: any failure leaves the count to the config
        return None
    counted = sum(metadata.parameter_count.values())
    return counted or None


def _read(repo: str, endpoint: str | None, token: str | None, cache_dir: str | None, deadline: float) -> Model:
    endpoint = endpoint or constants.ENDPOINT  # HF_ENDPOINT, passed on explicitly to every call
    api = HfApi(endpoint=endpoint, token=token)
    shown = api.endpoint
    info: Any = None
    unreachable: BaseException | None = None
    try:
        info = api.model_info(repo, timeout=REQUEST_TIMEOUT_S)
    except HfHubHTTPError as error:
        mapped = _map_http(error, repo, shown)
        if mapped.key != "error.hub_unreachable":
            raise mapped from None
        unreachable = error
    except _NETWORK_ERRORS as error:
        unreachable = error  # offline, or no answer: only the cache can still hold config.json
    canonical = str(getattr(info, "id", None) or repo)
    try:
        path = hf_hub_download(
            repo,
            "config.json",
            endpoint=endpoint,
            token=token,
            cache_dir=cache_dir,
            etag_timeout=REQUEST_TIMEOUT_S,
            local_files_only=unreachable is not None,  # no retries against a Hub that did not answer
        )
    except HfHubHTTPError as error:
        if isinstance(error, EntryNotFoundError):
            raise _no_config(repo) from None
        raise _map_http(error, repo, shown) from None
    except LocalEntryNotFoundError as error:
        raise _unreachable(repo, shown, _why(unreachable or error.__cause__ or error)) from None
    except EntryNotFoundError:
        raise _no_config(repo) from None
    except _NETWORK_ERRORS as error:
        raise _unreachable(repo, shown, _why(error)) from None
    try:
        config = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = None
    if not isinstance(config, dict):
        raise ModelSourceError(
            f"{repo}'s config.json is not a JSON object. Check the repo.", key="error.hub_bad_config", repo=repo
        )
    params = _params(api, repo, info, deadline) if info is not None else None
    return hub_model(canonical, config, params_counted=params, endpoint=shown)


def _no_config(repo: str) -> ModelSourceError:
    return ModelSourceError(
        f"{repo} has no config.json (repos of GGUF files have none). Download a .gguf file and run "
        "`vrambot estimate FILE.gguf`, or name the original model's repo.",
        key="error.hub_no_config",
        repo=repo,
    )


@functools.lru_cache(maxsize=256)
def read_hub_model(
    repo: str,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    cache_dir: str | None = None,
    deadline_s: float = DEADLINE_S,
) -> Model:
    """The model of a Hub repo ("org/name"); ModelSourceError with one line when it cannot be read.

    ``endpoint``, ``token`` and ``cache_dir`` default to huggingface_hub's own settings (``HF_ENDPOINT``,
    ``HF_TOKEN``, ``HF_HUB_CACHE``). Models read are kept for the life of the process (a bot's follow-ups).
    """
    disable_progress_bars()  # no progress bar or retry chatter on the terminal: one line or an answer
    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
    deadline = time.monotonic() + deadline_s
    outcome: list[Model | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_read(repo, endpoint, token, cache_dir, deadline))
        except BaseException as error:  # handed to the waiting thread
            outcome.append(error)

    # A daemon thread bounds the whole read: a stalled Hub cannot hold the command or a bot's worker.
    worker = threading.Thread(target=work, name=f"hub:{repo}", daemon=True)
    worker.start()
    worker.join(deadline_s)
    if not outcome:
        raise _unreachable(repo, endpoint or constants.ENDPOINT, f"no answer within {deadline_s:g} s")
    result = outcome[0]
    if isinstance(result, KnowledgeError):
        raise result
    if isinstance(result, BaseException):
        raise _unreachable(repo, endpoint or constants.ENDPOINT, type(result).__name__) from result
    return result
