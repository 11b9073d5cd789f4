"""Question understanding: free text in English or Spanish → a :class:`~knowledge.answer_model.Query`.

Holds the word tables (``lexicon``), the catalog names found in text (``entities``), the numbers
it gives, read whole and checked against their bounds (``quantities``), and the reading of a whole
question with its follow-up context (``understand``). Writes no answer text.

May import: ``knowledge.estimator`` (catalog names), ``knowledge.answer_model``, ``knowledge.errors``,
``knowledge.i18n``. Never ``knowledge.answering``.
"""
