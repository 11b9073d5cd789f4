"""The catalog: models, GPUs and the seed document's tables, loaded from ``knowledge/data/*.yaml``.

This module is the only loader. Every file is validated by pydantic at load; a bad file fails with a
message that names the file, the entry and the field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    field_validator,
)
from rapidfuzz import fuzz, process

from knowledge.architecture import Architecture
from knowledge.errors import CatalogError, UnknownGpu, UnknownModel

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it
DATA_DIR = Path(__file__).parent / "data"
_ID = r"^[a-z0-9][a-z0-9.]*(-[a-z0-9.]+)*$"  # "qwen2.5-7b": dots allowed after the first character


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Model(_Frozen):
    """A language model: its architecture, official size and the names people type."""

    id: str = Field(pattern=_ID)
    name: str
    family: str
    aliases: tuple[str, ...] = ()
    params_official: PositiveInt  # the count its authors publish (total, all experts)
    params_active_official: PositiveInt | None = None  # MoE: published active count
    # True where the vendor's active count leaves out the input embedding table (DeepSeek); Mistral counts it.
    params_active_excludes_embeddings: bool = False
    architecture: Architecture
    # The precision its weights are released in, a precisions.yaml id: bf16 for most, fp8 (DeepSeek V3, Kimi
    # K2), mxfp4_experts (gpt-oss). An estimate that names no precision uses it.
    native_precision: str = "bf16"
    released: str | None = Field(default=None, pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")  # YYYY-MM
    # The model a bare size ("a 7B", "the 70B") means when no family is under discussion: one per size.
    size_default: bool = False
    params_gap_reason: str = ""  # why the computed count may differ from params_official by more than 1%
    source: str  # URL of the config.json (or paper) the architecture comes from
    notes: str = ""

    @property
    def params(self) -> int:
        """Parameters computed from the architecture (every expert counted)."""
        return self.architecture.total_params()

    @property
    def params_b(self) -> float:
        return self.params / 1e9

    @property
    def active_params(self) -> int:
        return self.architecture.active_params()

    @property
    def is_moe(self) -> bool:
        return self.architecture.moe is not None


class Gpu(_Frozen):
    """An accelerator: memory, bandwidth and dense 16-bit tensor throughput."""

    id: str = Field(pattern=_ID)
    name: str
    vendor: Literal["nvidia", "amd", "apple", "intel"]
    segment: Literal["consumer", "workstation", "datacenter", "apple"]
    aliases: tuple[str, ...] = ()
    memory_gib: PositiveFloat  # binary: an "8 GB" card holds 8 GiB
    memory_bandwidth_gb_s: PositiveFloat  # decimal GB/s, as vendors publish it
    fp16_tensor_tflops: PositiveFloat  # dense (no sparsity) fp16/bf16 tensor TFLOPS
    gpu_memory_share: float = Field(default=1.0, gt=0, le=1)  # Apple: share of unified memory the GPU may wire
    price_usd: PositiveInt | None = None  # launch list price, for "cheapest that fits"
    release_year: PositiveInt | None = None
    source: str

    @property
    def usable_memory_gib(self) -> float:
        """Memory a model may use (for Apple silicon, the GPU's share of unified memory)."""
        return self.memory_gib * self.gpu_memory_share

    @property
    def usable_memory_bytes(self) -> int:
        return int(self.usable_memory_gib * 2**30)


class SeedRow(_Frozen):
    """A row of the seed document's tables, verbatim, tied to the catalog."""

    id: str = Field(pattern=_ID)
    table: Literal["inference", "training"]
    cells: tuple[str, str, str, str]  # verbatim Spanish cells: model, VRAM, RAM, notes
    model_id: str | None = None  # the catalog model it names
    params_b_range: tuple[float, float] | None = None  # or a size class ("Modelo 6B-13B")
    vram_gb: float  # the seed's VRAM figure as a number (lower bound of a range)
    ram_gb: float
    holds_for: dict[str, Any]  # the estimate flags under which the seed's figure holds (task, precision, ...)
    note_es: str = ""
    note_en: str = ""

    @field_validator("holds_for")
    @classmethod
    def _task_named(cls, value: dict[str, Any]) -> dict[str, Any]:
        if "task" not in value:
            raise ValueError("holds_for must name a task")
        return value


T = TypeVar("T", bound=_Frozen)


def _load(filename: str, kind: type[T], key: str) -> tuple[T, ...]:
    path = DATA_DIR / filename
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{path.name}: cannot read it ({error}). Fix the file and retry.") from error
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        raise CatalogError(f"{path.name}: expected a top-level '{key}:' list.")
    items = []
    for index, entry in enumerate(raw[key]):
        label = entry.get("id", f"#{index}") if isinstance(entry, dict) else f"#{index}"
        try:
            items.append(kind.model_validate(entry))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(entry)"
            raise CatalogError(
                f"{path.name}: entry {label!r}, field {field!r}: {first['msg']}. Fix that field."
            ) from error
    ids = [item.id for item in items]  # type: ignore[attr-defined]  # every catalog record has an id
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{path.name}: duplicate ids {duplicates}. Give each entry a unique id.")
    return tuple(items)


def normalize(text: str) -> str:
    """Lower-case, ASCII-ish form used to match what people type against names and aliases."""
    text = text.lower().replace("‑", "-").replace("–", "-")
    text = text.replace("+", " plus ")  # "Command R+" is not Command R; "Max+ 395" reads "max plus 395"
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _compact(text: str) -> str:
    return normalize(text).replace(" ", "")


class Catalog:
    """All catalog tables, with name lookup tolerant of how people type."""

    def __init__(self, models: Iterable[Model], gpus: Iterable[Gpu], seed: Iterable[SeedRow]) -> None:
        self.models = tuple(models)
        self.gpus = tuple(gpus)
        self.seed = tuple(seed)
        self._model_by_id = {m.id: m for m in self.models}
        self._gpu_by_id = {g.id: g for g in self.gpus}
        self._model_names = self._names(self.models)
        self._gpu_names = self._names(self.gpus)

    @staticmethod
    def _names(items: Iterable[Model] | Iterable[Gpu]) -> dict[str, str]:
        names: dict[str, str] = {}
        for item in items:
            for name in (item.id, item.name, *item.aliases):
                names.setdefault(_compact(name), item.id)
        return names

    def model(self, model_id: str) -> Model:
        return self._model_by_id[model_id]

    def gpu(self, gpu_id: str) -> Gpu:
        return self._gpu_by_id[gpu_id]

    def find_model(self, name: str) -> Model:
        """The model a name refers to: exact id, name or alias, else a close fuzzy match."""
        model_id = self._lookup(name, self._model_names)
        if model_id is None:
            raise UnknownModel(name, self.suggest(name, self._model_names, self._model_by_id))
        return self._model_by_id[model_id]

    def find_gpu(self, name: str) -> Gpu:
        """The GPU a name refers to: exact id, name or alias, else a close fuzzy match."""
        gpu_id = self._lookup(name, self._gpu_names)
        if gpu_id is None:
            raise UnknownGpu(name, self.suggest(name, self._gpu_names, self._gpu_by_id))
        return self._gpu_by_id[gpu_id]

    @staticmethod
    def _lookup(name: str, names: dict[str, str]) -> str | None:
        key = _compact(name)
        if not key:
            return None
        if key in names:
            return names[key]
        # A fuzzy match may fix letters, never numbers: "rtx 3060 6gb" is not the RTX 2060 6GB.
        digits = re.findall(r"\d+", key)
        for candidate, _score, _ in process.extract(key, names.keys(), scorer=fuzz.ratio, score_cutoff=85, limit=5):
            if re.findall(r"\d+", candidate) == digits:
                return names[candidate]
        return None

    @staticmethod
    def suggest(name: str, names: dict[str, str], by_id: dict[str, Any], limit: int = 3) -> tuple[str, ...]:
        """Display names of the closest catalog entries, for "did you mean ...?"."""
        key = _compact(name)
        found: list[str] = []
        for match, _score, _ in process.extract(key, names.keys(), scorer=fuzz.WRatio, limit=12):
            display = by_id[names[match]].name
            if display not in found:
                found.append(display)
            if len(found) == limit:
                break
        return tuple(found)

    def model_choices(self, current: str, limit: int = 25) -> list[Model]:
        """Models ranked for autocomplete of a partial name."""
        return [self._model_by_id[i] for i in self._rank(current, self._model_names, limit)]

    def gpu_choices(self, current: str, limit: int = 25) -> list[Gpu]:
        """GPUs ranked for autocomplete of a partial name."""
        return [self._gpu_by_id[i] for i in self._rank(current, self._gpu_names, limit)]

    @staticmethod
    def _rank(current: str, names: dict[str, str], limit: int) -> list[str]:
        key = _compact(current)
        ordered: list[str] = []
        if not key:
            ordered = list(dict.fromkeys(names.values()))
        else:
            for match, _score, _ in process.extract(key, names.keys(), scorer=fuzz.WRatio, limit=None):
                ordered.append(names[match])
            ordered = list(dict.fromkeys(ordered))
        return ordered[:limit]


@functools.cache
def load_catalog() -> Catalog:
    """The catalog, loaded and validated once per process."""
    catalog = Catalog(
        _load("models.yaml", Model, "models"),
        _load("gpus.yaml", Gpu, "gpus"),
        _load("seed.yaml", SeedRow, "rows"),
    )
    for row in catalog.seed:
        if row.model_id is not None and row.model_id not in catalog._model_by_id:
            raise CatalogError(f"seed.yaml: entry {row.id!r}, field 'model_id': no model {row.model_id!r}.")
    return catalog
