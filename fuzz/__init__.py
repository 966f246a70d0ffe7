"""Fuzzing the readers and parsers (``make fuzz``; not part of ``make test``).

``targets`` holds the Hypothesis properties, ``atheris_targets`` the coverage-guided byte-level
entry points (atheris, libFuzzer), and ``python -m fuzz`` runs them all for a time budget.
"""
