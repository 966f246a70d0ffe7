"""Runs one measurement in a fresh process and prints it as JSON: the pipeline over a folder, or a
baseline (spaCy's bare tokenizer, pdfplumber's extract_words, pypdfium2's raw text) over the same
files. Every measurement first loads what it needs and handles one document untimed, so the
figures are steady throughput, not start-up."""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mib() -> float:
    """The largest resident set of this process or any finished child, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".pdf"))


def _result(start: float, documents: int, **more) -> dict:
    return {"wall": time.perf_counter() - start, "documents": documents, "peak_rss_mib": peak_rss_mib(), **more}


def pipeline(folder: Path, jobs: int, engine: str, output: Path | None) -> dict:
    """``extract`` end to end over the folder into an empty interim folder: every stage and every
    output (JSON, Parquet, the review page, the data dictionary). Before the clock starts, the spaCy
    pipeline is built and the first document is taken through a whole run of its own (into other
    folders), as every other measurement handles one document untimed: the figure is the steady
    throughput, not the first document's start-up (over the six PDFs, more than a quarter of the time)."""
    from pipeline import profile as profiles
    from pipeline.compiled import compile_profile
    from pipeline.runner import run as runner

    compiled = compile_profile(profiles.default())  # one compiled profile for both runs, as one run has
    with tempfile.TemporaryDirectory() as work:
        first = Path(work) / "first"  # one document through the whole run, untimed: what it loads and learns
        first.mkdir()
        shutil.copy(_files(folder)[0], first)
        runner.run(first, Path(work) / "first-interim", Path(work) / "first-output", pdf_engine=engine,
                   compiled=compiled)
        start = time.perf_counter()
        summary = runner.run(folder, Path(work) / "interim", output or Path(work) / "output", jobs=jobs,
                             pdf_engine=engine, compiled=compiled)
        return _result(start, summary.documents, regions=summary.regions)


def text(folder: Path) -> dict:
    """The whole text extraction in-process, every document read and taken through every stage
    into its validated extraction, nothing written: what ``extract`` does per document, with the
    same garbage-collection setting. Paired with the bare tokenizer on the same document, in turn,
    so that both see the same load on a shared machine."""
    import spacy

    from pipeline import profile as profiles
    from pipeline.compiled import compile_profile
    from pipeline.runner import run as runner
    from pipeline.runner.sources import Source

    profile = compile_profile(profiles.default())
    bare = spacy.blank("sv")
    files = _files(folder)
    sources = [Source(p, p.name, p.stem, "text") for p in files]
    runner.extract_text(sources[0], files[0].read_bytes(), profile)
    bare(files[0].read_text(encoding="utf-8"))
    extraction = tokenising = 0.0
    start = time.perf_counter()
    with runner.fewer_collections():
        for source, path in zip(sources[1:], files[1:]):
            begin = time.perf_counter()
            runner.extract_text(source, path.read_bytes(), profile)
            middle = time.perf_counter()
            bare(path.read_text(encoding="utf-8"))
            extraction, tokenising = extraction + middle - begin, tokenising + time.perf_counter() - middle
    result = _result(start, len(files) - 1)
    return result | {"wall": extraction, "tokenizer_wall": tokenising}


def tokenizer(folder: Path) -> dict:
    """spaCy's bare Swedish tokenizer (``spacy.blank("sv")``) over the same files."""
    import spacy

    nlp = spacy.blank("sv")
    files = _files(folder)
    nlp(files[0].read_text(encoding="utf-8"))
    start = time.perf_counter()
    for path in files[1:]:
        nlp(path.read_text(encoding="utf-8"))
    return _result(start, len(files) - 1)


def extract_words(folder: Path) -> dict:
    """pdfplumber's ``extract_words`` on every page, each page closed once read."""
    import pdfplumber

    files = _files(folder)
    with pdfplumber.open(files[0]) as pdf:
        pdf.pages[0].extract_words()
    pages = 0
    start = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                page.close()
                pages += 1
    return _result(start, len(files), pages=pages)


def pdfium_text(folder: Path) -> dict:
    """pypdfium2's raw text of every page (``PdfTextPage.get_text_range``): reading, no layout."""
    import pypdfium2 as pdfium

    files = _files(folder)
    pages = 0
    start = time.perf_counter()
    for path in files:
        document = pdfium.PdfDocument(path)
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        document.close()
    return _result(start, len(files), pages=pages)


def reader(folder: Path, engine: str) -> dict:
    """Our PDF reader alone (``read_pdf_source``): pages to the normalised interim text."""
    from pipeline.readers.pdf import read_pdf_source

    files = _files(folder)
    read_pdf_source(files[0], engine=engine)
    pages = 0
    start = time.perf_counter()
    for path in files:
        pages += read_pdf_source(path, engine=engine).pages or 0
    return _result(start, len(files), pages=pages)


def pdf_readings(folder: Path) -> dict:
    """The three ways of reading the PDFs, one after the other in one process: pypdfium2's raw
    text, pdfplumber's ``extract_words`` and our reader with the PDFium engine."""
    readings = {"pdfium_text": pdfium_text(folder), "extract_words": extract_words(folder),
                "reader": reader(folder, "pdfium")}
    return readings | {"wall": sum(r["wall"] for r in readings.values())}


if __name__ == "__main__":
    what, folder, *rest = sys.argv[1:]
    if what == "pipeline":
        jobs, engine, *output = rest
        result = pipeline(Path(folder), int(jobs), engine, Path(output[0]) if output else None)
    elif what == "reader":
        result = reader(Path(folder), rest[0])
    else:
        result = {"text": text, "tokenizer": tokenizer, "extract_words": extract_words,
                  "pdfium_text": pdfium_text, "pdf_readings": pdf_readings}[what](Path(folder))
    print(json.dumps(result))
