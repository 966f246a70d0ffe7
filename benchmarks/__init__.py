"""Benchmarks: ``make bench`` generates a corpus from the seed and measures the pipeline against
baselines measured in the same run (see ``docs/benchmarks.md``)."""
