"""The estimator: catalog access, architecture, precision, memory, estimate and verdicts.

Holds the physics of a job's memory and speed, in bytes and seconds, and the verdict of whether it fits a
machine. Pure: no language, no user text (assumptions and verdicts are ids with parameters, worded by
``knowledge.answering``), no I/O beyond reading the package's own data files once.

May import: the standard library, pydantic, PyYAML, rapidfuzz, ``knowledge.errors``. Never
``knowledge.understanding`` or ``knowledge.answering``.
"""
