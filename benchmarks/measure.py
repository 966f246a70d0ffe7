"""Runs one measurement in a fresh process and prints it as JSON: the pipeline over a folder, or a
baseline (spaCy's bare tokenizer, pdfplumber's extract_words) over the same files."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mib() -> float:
    """The largest resident set of this process or any finished child, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def pipeline(folder: Path, jobs: int) -> dict:
    from pipeline.runner import run as runner

    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        summary = runner.run(folder, Path(work) / "interim", Path(work) / "output", jobs=jobs)
        wall = time.perf_counter() - start
    return {"wall": wall, "documents": summary.documents, "peak_rss_mib": peak_rss_mib()}


def tokenizer(folder: Path) -> dict:
    import spacy

    nlp = spacy.blank("sv")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt",))
    start = time.perf_counter()
    for path in files:
        nlp(path.read_text(encoding="utf-8"))
    return {"wall": time.perf_counter() - start, "documents": len(files), "peak_rss_mib": peak_rss_mib()}


def extract_words(folder: Path) -> dict:
    import pdfplumber

    files = sorted(folder.glob("*.pdf"))
    pages = 0
    start = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                pages += 1
    return {"wall": time.perf_counter() - start, "documents": len(files), "pages": pages, "peak_rss_mib": peak_rss_mib()}


if __name__ == "__main__":
    what, folder = sys.argv[1], Path(sys.argv[2])
    if what == "pipeline":
        result = pipeline(folder, int(sys.argv[3]))
    elif what == "tokenizer":
        result = tokenizer(folder)
    else:
        result = extract_words(folder)
    print(json.dumps(result))
