"""Extraction pipeline: Swedish regional social-enterprise reports become a validated dataset.

Stages, each a module named for what it produces:

- ``text``      raw bytes -> normalised interim text (``interim/<document_id>/text.txt``)
- ``sections``  interim text -> document intro, region blocks and labelled sections (spans)
- ``counts``, ``contacts``, ``goals``, ``organisations``  section text -> normalised values
- ``records``   everything above -> one validated ``DocumentRecord`` per source document
- ``tables``    records -> the flat tables of the data contract
- ``output``    tables and records -> JSON and Parquet, swapped in atomically
"""

__version__ = "0.1.0"
