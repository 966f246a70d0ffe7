"""Extraction pipeline: Swedish regional social-enterprise reports become a validated dataset.

The README's stages, as packages and modules (each named for what it produces):

1. ``readers``      a source file (text, PDF, web page) -> the normalised interim text
2. ``parse.sections``  interim text -> intro, region blocks and labelled sections (spans)
3. ``entities``     sections -> organisation, place and person mentions (spaCy, rule-based)
4. ``parse``        section text -> counts, contacts, goals and purpose items, intro claims
5. ``extraction``   the wiring: everything above -> one validated ``models.Extraction``
6. ``publish``      extractions -> tables, JSON and Parquet, the review page, the data dictionary;
                    ``publish.diff`` compares two published extractions
7. ``runner``       sources and ids, the stage cache, the process pool and the atomic swap

What the pipeline knows about one report family is its ``profile`` (``profiles/*.toml``); facts
about the world are ``reference`` data; every finding code is in the ``findings`` catalogue.
"""

__version__ = "0.2.0"
