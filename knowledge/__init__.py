"""vrambot's single source of knowledge: the catalog, the estimator and question answering.

Nothing here imports a chat platform or a web framework; the estimator does no I/O.
"""

from knowledge.answer_model import Answer, Query
from knowledge.answering.respond import answer, ask
from knowledge.errors import CatalogError, InvalidQuery, KnowledgeError, UnknownGpu, UnknownModel
from knowledge.estimator.catalog import Catalog, Gpu, Model, SeedRow, load_catalog
from knowledge.estimator.job import Estimate, Job, Memory

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
