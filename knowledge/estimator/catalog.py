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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from rapidfuzz import fuzz, process

from knowledge.errors import CatalogError, UnknownGpu, UnknownModel
from knowledge.estimator.architecture import Architecture
from knowledge.estimator.data_files import cached, data_dir, read_yaml
from knowledge.folding import name_key

_HUB_REPO = re.compile(r"^https://huggingface\.co/([\w.-]+/[\w.-]+)/")  # a source on the Hub: its repo
_ID = r"^[a-z0-9][a-z0-9.]*(-[a-z0-9.]+)*$"  # "qwen2.5-7b": dots allowed after the first character


class _Frozen(BaseModel):
    # Numbers must be finite, and a bare `true` is not a number (pydantic would read it as 1).
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, bool) and field is not None and _numeric(field.annotation):
            raise ValueError(f"must be a number, not {str(value).lower()}")
        return value


def _numeric(annotation: Any) -> bool:
    """Whether a field's type admits numbers but not booleans (int, float, their constrained forms)."""
    text = str(annotation)
    return ("int" in text or "float" in text) and "bool" not in text


class Provenance(_Frozen):
    """Where a model outside the catalog was read from: a Hub repo's config.json or a GGUF file's header."""

    kind: Literal["hub", "gguf"]
    reference: str  # "org/name" on the Hub, or the GGUF file's name
    params_counted: PositiveInt | None = None  # Hub: its safetensors metadata's count; GGUF: every tensor's elements
    weights_bytes: PositiveInt | None = None  # GGUF: the bytes of every tensor as stored (exact)
    precision: str | None = None  # GGUF: the precision id of the file's type ("q4_k_m")
    file_type: str | None = None  # GGUF: the type its header names ("Q4_K_M")
    tensors: PositiveInt | None = None  # GGUF: how many tensors the header lists


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
    provenance: Provenance | None = None  # None for catalog entries; set for a Hub repo or a GGUF file

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


Backend = Literal["cuda", "rocm", "metal", "xpu"]
# Where the machine sits, to keep recommendations in the asker's class: "desktop" consumer cards, "laptop"
# GPUs, "workstation" pro cards, "server" datacenter accelerators, "unified" one memory pool shared with the
# CPU in a computer of its own (Apple silicon, Ryzen AI Max, DGX Spark), "embedded" modules (Jetson).
FormFactor = Literal["desktop", "laptop", "workstation", "server", "unified", "embedded"]
OperatingSystem = Literal["macos", "linux", "windows"]
PriceKind = Literal["launch", "street"]

# Dedicated memory: the driver keeps part of it. PyTorch reports a "total capacity" of 23.64 GiB on an RTX 4090
# (24 GiB: 0.36 GiB kept, 1.5%), 7.78 GiB on an RTX 3070 (8 GiB: 0.22 GiB) and 14.75 GiB on Colab's T4 (15 GiB
# after ECC: 0.25 GiB); sources in gpus.yaml's header. The rule keeps 1.5% of it, at least 0.25 GiB.
DRIVER_RESERVE_SHARE = 0.015
DRIVER_RESERVE_MIN_GIB = 0.25
# GDDR datacenter cards ship with ECC on, which stores its check bits in 1/16 of the memory: nvidia-smi shows
# 15,360 MiB on a 16 GiB T4.
ECC_RESERVED_SHARE = 1 / 16
UNKNOWN_ARCHITECTURE = "unknown"  # a stand-in card known only by its memory


class Gpu(_Frozen):
    """An accelerator: memory, bandwidth, dense 16-bit tensor throughput, what it can run, price.

    Usable memory (``usable_memory_gib``) is, in this order: the figure a driver or cloud image is known to
    expose (the YAML's ``usable_memory_gib``); for unified memory, the GPU's share on the default OS (the first
    key of ``gpu_memory_share_by_os``); for dedicated memory, the sold size less the ECC reserve where ECC is on
    by default, less the driver's reserve (see ``DRIVER_RESERVE_SHARE``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)

    id: str = Field(pattern=_ID)
    name: str
    vendor: Literal["nvidia", "amd", "apple", "intel"]
    segment: Literal["consumer", "workstation", "datacenter", "apple"]
    form_factor: FormFactor
    aliases: tuple[str, ...] = ()
    memory_gib: PositiveFloat  # binary: an "8 GB" card holds 8 GiB
    memory_bandwidth_gb_s: PositiveFloat  # decimal GB/s, as vendors publish it
    fp16_tensor_tflops: PositiveFloat  # dense (no sparsity) fp16/bf16 tensor TFLOPS
    # What the card can run (capability_source says where each flag comes from).
    backend: Backend
    architecture: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")  # "ada", "cdna3", "apple-m4", "xe2"
    compute_capability: str | None = Field(default=None, pattern=r"^\d+\.\d+$")  # NVIDIA only, "8.9"
    isa: str | None = Field(default=None, pattern=r"^gfx[0-9a-f]+$")  # AMD LLVM target, "gfx942"
    bf16: bool  # native bfloat16 arithmetic
    fp8: bool  # native FP8 (E4M3/E5M2) tensor math
    fp4: bool  # native FP4 tensor math (MXFP4/NVFP4)
    tensor_cores: bool  # matrix units (tensor cores, MFMA/WMMA, XMX, Apple M5 neural accelerators)
    flash_attention_2: bool  # the flash-attn 2 package supports the card
    flash_attention_3: bool  # flash-attn 3 (Hopper only)
    capability_source: str
    # Memory a model may use; see the class docstring.
    stated_usable_memory_gib: PositiveFloat | None = Field(default=None, alias="usable_memory_gib")
    ecc_on_by_default: bool = False
    gpu_memory_share_by_os: dict[OperatingSystem, float] = Field(default_factory=dict)  # unified memory only
    memory_note: str = ""  # how to raise the share, what the stated figure is
    memory_source: str | None = None  # for usable_memory_gib, gpu_memory_share_by_os, ECC
    # Price in US dollars: "launch" list price at price_date (launch month), or "street" price seen then.
    price_usd: PositiveInt | None = None
    price_kind: PriceKind | None = None
    price_date: str | None = Field(default=None, pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$")
    price_source: str | None = None  # when not the entry's source
    release_year: PositiveInt | None = None
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> Gpu:
        if self.price_usd is not None and (self.price_kind is None or self.price_date is None):
            raise ValueError("a price needs price_kind (launch or street) and price_date (YYYY-MM)")
        if (self.stated_usable_memory_gib or self.gpu_memory_share_by_os or self.ecc_on_by_default) and not (
            self.memory_source
        ):
            raise ValueError("usable_memory_gib, gpu_memory_share_by_os and ecc_on_by_default need memory_source")
        if any(not 0 < share <= 1 for share in self.gpu_memory_share_by_os.values()):
            raise ValueError("gpu_memory_share_by_os values are shares between 0 and 1")
        if self.architecture != UNKNOWN_ARCHITECTURE and (self.vendor == "nvidia") != (
            self.compute_capability is not None
        ):
            raise ValueError("NVIDIA GPUs, and only they, have a compute_capability")
        if self.flash_attention_3 and self.architecture != "hopper":
            raise ValueError("flash_attention_3 runs on Hopper only")
        expected = {"nvidia": "cuda", "amd": "rocm", "apple": "metal", "intel": "xpu"}[self.vendor]
        if self.backend != expected:
            raise ValueError(f"a {self.vendor} GPU runs the {expected} backend")
        return self

    @classmethod
    def stand_in(cls, gpu_id: str, name: str, memory_gib: float) -> Gpu:
        """A card known only by its memory ("a 24GB card"): a desktop CUDA card of that size, usable memory by
        the rule, capabilities of a current one (bf16, FlashAttention 2, no FP8/FP4), speed unknown (1)."""
        return cls(
            id=gpu_id,
            name=name,
            vendor="nvidia",
            segment="consumer",
            form_factor="desktop",
            memory_gib=memory_gib,
            memory_bandwidth_gb_s=1,
            fp16_tensor_tflops=1,
            backend="cuda",
            architecture=UNKNOWN_ARCHITECTURE,
            bf16=True,
            fp8=False,
            fp4=False,
            tensor_cores=True,
            flash_attention_2=True,
            flash_attention_3=False,
            capability_source="the question",
            source="the question",
        )

    def __hash__(self) -> int:  # ids are unique; gpu_memory_share_by_os (a dict) is not hashable
        return hash(self.id)

    @property
    def unified_memory(self) -> bool:
        """True where the GPU shares one memory pool with the CPU and may use only part of it."""
        return bool(self.gpu_memory_share_by_os)

    @property
    def default_os(self) -> OperatingSystem | None:
        """The OS whose share applies unless the question names one (unified memory only)."""
        return next(iter(self.gpu_memory_share_by_os), None)

    @property
    def gpu_memory_share(self) -> float:
        """Share of unified memory the GPU may use on the default OS; 1.0 for dedicated memory."""
        return self.gpu_memory_share_by_os[self.default_os] if self.default_os else 1.0

    @property
    def driver_reserve_gib(self) -> float:
        """Memory the driver keeps on a dedicated card, by the rule (ECC reserve included)."""
        if self.unified_memory:
            return 0.0
        after_ecc = self.memory_gib * (1 - ECC_RESERVED_SHARE) if self.ecc_on_by_default else self.memory_gib
        return self.memory_gib - after_ecc + max(DRIVER_RESERVE_MIN_GIB, after_ecc * DRIVER_RESERVE_SHARE)

    def usable_memory_gib_on(self, os: OperatingSystem | None = None) -> float:
        """Memory a model may use; for unified memory, on ``os`` (default OS when None or not listed)."""
        if self.stated_usable_memory_gib is not None and (os is None or os == self.default_os):
            return self.stated_usable_memory_gib
        if self.unified_memory:
            share = self.gpu_memory_share_by_os.get(os, self.gpu_memory_share) if os else self.gpu_memory_share
            return self.memory_gib * share
        return self.stated_usable_memory_gib or self.memory_gib - self.driver_reserve_gib

    @property
    def usable_memory_gib(self) -> float:
        """Memory a model may use on the default setup (see the class docstring)."""
        return self.usable_memory_gib_on(None)

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
    path = data_dir() / filename
    raw = read_yaml(path)
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
            message = str(first["msg"]).removeprefix("Value error, ")
            raise CatalogError(f"{path.name}: entry {label!r}, field {field!r}: {message}. Fix that field.") from None
    ids = [item.id for item in items]  # type: ignore[attr-defined]  # every catalog record has an id
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{path.name}: duplicate ids {duplicates}. Give each entry a unique id.")
    return tuple(items)


FUZZY_CUTOFF = 86.0  # judgement: a slip of a letter or two in a name of ten, not another name


def closest_key(key: str, keys: Iterable[str]) -> str | None:
    """The name key closest in spelling to ``key``, or None. The one fuzzy rule, used by the catalog's lookup and
    by question understanding: a fuzzy match may fix letters, never numbers ("rtx 3060 6gb" is not the RTX 2060
    6GB, "llama 9 70b" is not Llama 3 70B)."""
    digits = re.findall(r"\d+", key)
    for candidate, _score, _ in process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5):
        if re.findall(r"\d+", candidate) == digits:
            return str(candidate)
    return None


class Catalog:
    """All catalog tables, with name lookup tolerant of how people type."""

    def __init__(self, models: Iterable[Model], gpus: Iterable[Gpu], seed: Iterable[SeedRow]) -> None:
        self.models = tuple(models)
        self.gpus = tuple(gpus)
        self.seed = tuple(seed)
        self._model_by_id = {m.id: m for m in self.models}
        self._gpu_by_id = {g.id: g for g in self.gpus}
        self._model_names = self._names(self.models)
        self._model_by_repo = {
            match.group(1).lower(): m.id for m in self.models if (match := _HUB_REPO.search(m.source)) is not None
        }
        self._gpu_names = self._names(self.gpus)

    @staticmethod
    def _names(items: Iterable[Model] | Iterable[Gpu]) -> dict[str, str]:
        """Every id, name and alias (compacted) → its entry's id; one name never names two entries."""
        names: dict[str, str] = {}
        for item in items:
            for name in (item.id, item.name, *item.aliases):
                owner = names.setdefault(name_key(name), item.id)
                if owner != item.id:
                    kind = "models.yaml" if isinstance(item, Model) else "gpus.yaml"
                    raise CatalogError(
                        f"{kind}: entry {item.id!r}, field 'aliases': {name!r} already names {owner!r}. "
                        "Give each name to one entry."
                    )
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

    def find_repo(self, repo: str) -> Model | None:
        """The catalog model a Hub repo holds, if any: the repo its config.json comes from, or a repo whose
        name (without the organisation) is exactly one of the model's names or aliases
        ("meta-llama/Llama-3.1-8B-Instruct"). Never a fuzzy match: another repo is another model."""
        model_id = self._model_by_repo.get(repo.lower()) or self._model_names.get(name_key(repo.split("/")[-1]))
        return None if model_id is None else self._model_by_id[model_id]

    def find_gpu(self, name: str) -> Gpu:
        """The GPU a name refers to: exact id, name or alias, else a close fuzzy match."""
        gpu_id = self._lookup(name, self._gpu_names)
        if gpu_id is None:
            raise UnknownGpu(name, self.suggest(name, self._gpu_names, self._gpu_by_id))
        return self._gpu_by_id[gpu_id]

    @staticmethod
    def _lookup(name: str, names: dict[str, str]) -> str | None:
        key = name_key(name)
        if not key:
            return None
        if key in names:
            return names[key]
        close = closest_key(key, names)
        return None if close is None else names[close]

    @staticmethod
    def suggest(name: str, names: dict[str, str], by_id: dict[str, Any], limit: int = 3) -> tuple[str, ...]:
        """Display names of the closest catalog entries, for "did you mean ...?"."""
        key = name_key(name)
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
        key = name_key(current)
        ordered: list[str] = []
        if not key:
            ordered = list(dict.fromkeys(names.values()))
        else:
            for match, _score, _ in process.extract(key, names.keys(), scorer=fuzz.WRatio, limit=None):
                ordered.append(names[match])
            ordered = list(dict.fromkeys(ordered))
        return ordered[:limit]


PARAMS_TOLERANCE = 0.10  # judgement: catches a mistyped count (x10, a missing digit), not a rounding


def _check_params(models: Iterable[Model]) -> None:
    """A published parameter count far from what the architecture gives is a data error."""
    for model in models:
        ratio = model.params / model.params_official
        if abs(ratio - 1) > PARAMS_TOLERANCE:
            raise CatalogError(
                f"models.yaml: entry {model.id!r}, field 'params_official': {model.params_official:,} is "
                f"{ratio:.2f} x what the architecture gives ({model.params:,}). Fix the count or the architecture."
            )


def _build() -> Catalog:
    models = _load("models.yaml", Model, "models")
    _check_params(models)
    catalog = Catalog(models, _load("gpus.yaml", Gpu, "gpus"), _load("seed.yaml", SeedRow, "rows"))
    for row in catalog.seed:
        if row.model_id is not None and row.model_id not in catalog._model_by_id:
            raise CatalogError(f"seed.yaml: entry {row.id!r}, field 'model_id': no model {row.model_id!r}.")
    return catalog


def catalog_files() -> list[Path]:
    """The files the catalog is made from: its data and the estimator's classes (a code change is a new key)."""
    folder = data_dir()
    files = [folder / name for name in ("models.yaml", "gpus.yaml", "seed.yaml")]
    return [*files, *sorted(Path(__file__).parent.glob("*.py"))]


@functools.cache
def load_catalog() -> Catalog:
    """The catalog, validated once (then read from the cache keyed by the data's hash), once per process."""
    return cached(catalog_files(), _build)


def is_loaded(catalog: Catalog) -> bool:
    """Whether ``catalog`` is the one :func:`load_catalog` returned in this process (checked without loading it):
    what is derived from that one may be cached under :func:`catalog_files`' key."""
    return load_catalog.cache_info().currsize > 0 and catalog is load_catalog()
