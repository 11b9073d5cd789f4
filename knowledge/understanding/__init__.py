"""Question understanding: free text in English or Spanish → a :class:`~knowledge.answer_model.Query`.

Holds the word tables (``lexicon``); the catalog's names searched for in the text, exactly and with slips
(``name_search``); each model name read whole and checked word by word against the entry it names
(``name_agreement``); Hub repo ids (``hub_refs``); the settings a question gives (``settings``); the numbers it
gives, read whole and checked against their bounds (``quantities``); and the reading of a whole question with its
follow-up context (``understand``). Text is folded by ``knowledge.folding``. Writes no answer text.

May import: ``knowledge.estimator`` (catalog names), ``knowledge.answer_model``, ``knowledge.errors``,
``knowledge.i18n``. Never ``knowledge.answering``.
"""
