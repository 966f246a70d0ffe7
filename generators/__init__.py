"""Inputs made on the fly for the tests and the benchmarks alike: the seed rendered as PDF and as a
web page (``renderings``) and PDFs that attack a reader by their structure (``hostile_pdfs``).

A package of its own so that neither side imports the other: the benchmarks import nothing from
``tests/``.
"""
