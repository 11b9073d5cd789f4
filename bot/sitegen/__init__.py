"""The reference site's generator: Markdown pages and SVG charts written from the catalog and the estimator.

A front end like the bots (it may import Jinja2); ``python -m bot.sitegen.publish`` runs it before MkDocs
builds ``site/``. May import ``knowledge`` and its sub-packages; nothing in ``knowledge`` imports it.
"""
