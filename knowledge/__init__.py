"""vrambot's single source of knowledge: the catalog, the estimator and question answering.

Nothing here imports a chat platform or a web framework; the estimator does no I/O.
"""

from knowledge.answer_model import Answer, Query
from knowledge.catalog import Catalog, Gpu, Model, SeedRow, load_catalog
from knowledge.errors import CatalogError, InvalidQuery, KnowledgeError, UnknownGpu, UnknownModel
from knowledge.job import Estimate, Job, Memory
from knowledge.respond import answer, ask

__all__ = [
    "Answer",
    "Catalog",
    "CatalogError",
    "Estimate",
    "Gpu",
    "InvalidQuery",
    "Job",
    "KnowledgeError",
    "Memory",
    "Model",
    "Query",
    "SeedRow",
    "UnknownGpu",
    "UnknownModel",
    "answer",
    "ask",
    "load_catalog",
]
