"""Answering: a :class:`~knowledge.answer_model.Query` → an :class:`~knowledge.answer_model.Answer`.

``respond`` takes the query in and the answer out; ``situation`` resolves the query into a job, once, saying any
setting it could not honour. One module per intent family fills the answer's data: ``fit``, ``requirements``,
``speed``, ``serving``, ``recommend`` (with ``budget`` for a price limit), ``catalog_info`` (model and GPU facts,
compare, help, unknown); a context beyond a model's trained maximum is handled in ``long_context``. Every piece of user
text is composed from the message catalogs: shared words in ``wording``, with ``layout_wording``,
``offload_wording`` and ``assumptions`` for those parts of an answer, and ``links`` for the site's URLs.

May import: ``knowledge.estimator``, ``knowledge.understanding``, ``knowledge.answer_model``,
``knowledge.errors``, ``knowledge.i18n``.
"""
