"""Answering: a :class:`~knowledge.answer_model.Query` → an :class:`~knowledge.answer_model.Answer`.

Resolves the query into a job once (``situation``), runs the estimator, and fills the answer's data: one
module per intent family (``replies`` for fit, requirements and speed; ``recommend``; ``catalog_info``; a
context beyond a model's trained maximum in ``context``), with every piece of user text composed from the message
catalogs in ``wording`` and ``assumptions``.

May import: ``knowledge.estimator``, ``knowledge.understanding``, ``knowledge.answer_model``,
``knowledge.errors``, ``knowledge.i18n``.
"""
