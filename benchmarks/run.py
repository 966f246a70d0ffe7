"""``make bench``: generates the corpus, measures the pipeline beside baselines measured in the same
run, and writes docs/benchmarks.md with a plot, docs/benchmarks.svg.

Every figure is also given as a ratio to a baseline measured in the same run, on the same files,
because the machine is shared and absolute times drift. Each measurement runs in a process of its
own, so its peak memory is its own. Sizes: BENCH_TEXT_N (the text ratios, default 100),
BENCH_MEMORY_N (the memory curve with 2 jobs, default 10,1000), BENCH_PDF_N (default 6 reports
of about 15 pages) and BENCH_HTML_N (default 20). The run takes three to five minutes on 2 cores,
most of it the 1000 documents of the memory curve.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.corpus import generate
from benchmarks.plot import svg

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / ".corpus"
REPORT = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks.svg"
KEPT_SECTIONS = ("## Hostile inputs",)
"""Sections another benchmark writes into the report: kept as they are when this one rewrites it."""

DOCLING = {
    "pages_per_second": (0.60, 1.34),
    "source": "Docling Technical Report (Auer et al., IBM Research, 2024), arXiv:2408.09869, table 1: "
              "1.27–1.34 pages/s on an Apple M3 Max and 0.60–0.92 pages/s on an Intel Xeon E5-2690, "
              "with its native PDF backend, 4 to 16 threads, OCR off",
}
"""Docling's published CPU throughput: a reference only, not run here (it needs its layout models)."""


def sizes(variable: str, default: str) -> list[int]:
    return [int(n) for n in os.environ.get(variable, default).split(",") if n]


def measure(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "benchmarks.measure", *args], cwd=ROOT, capture_output=True,
                            text=True)
    if result.returncode:
        raise SystemExit(f"benchmark {' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def pdf_pages(folder: Path) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(path)) for path in sorted(folder.glob("*.pdf")))


def same_output(a: Path, b: Path) -> bool:
    """The two output folders hold the same JSON files, byte for byte."""
    def files(root: Path) -> dict[Path, bytes]:
        return {p.relative_to(root): p.read_bytes() for p in sorted((root / "json").rglob("*.json"))}
    return files(a) == files(b)


def profile_text(folder: Path, documents: int = 8) -> tuple[list[tuple[str, float]], str]:
    """Where the in-process text extraction spends its time: by module (own time, ms per document)
    and the functions with the most own time."""
    from pipeline import profile as profiles
    from pipeline.compiled import compile_profile
    from pipeline.runner import run as runner
    from pipeline.runner.sources import Source

    profile = compile_profile(profiles.default())
    files = sorted(folder.glob("*.txt"))[: documents + 1]
    sources = [Source(p, p.name, p.stem, "text") for p in files]
    runner.extract_text(sources[0], files[0].read_bytes(), profile)
    profiler = cProfile.Profile()
    with runner.fewer_collections():
        profiler.enable()
        for source, path in zip(sources[1:], files[1:]):
            runner.extract_text(source, path.read_bytes(), profile)
        profiler.disable()
    stats = pstats.Stats(profiler)
    by_module: Counter[str] = Counter()
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.endswith(".pyx") or filename.endswith(".pxd"):
            name = f"spacy (Cython): {filename}"
        elif "site-packages/" in filename:
            name = filename.split("site-packages/")[1].split("/")[0]
        elif "/pipeline/" in filename:
            name = "pipeline/" + filename.split("/pipeline/")[1]
        elif filename.startswith("~") or filename.startswith("<"):
            name = "built-ins (regular expressions, str, list, …)"
        else:
            name = "standard library: " + Path(filename).stem
        by_module[name] += own * 1000 / documents
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(15)
    lines = [line.replace(str(ROOT) + "/", "").replace(str(Path(sys.prefix)) + "/lib/python3.11/site-packages/", "")
             for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return by_module.most_common(14), "\n".join(lines[start:])


def main() -> None:
    started = time.time()
    load = os.getloadavg()[0]
    text_n = sizes("BENCH_TEXT_N", "100")[0]
    memory_n = sizes("BENCH_MEMORY_N", "10,1000")
    pdf_n = sizes("BENCH_PDF_N", "6")[0]
    html_n = sizes("BENCH_HTML_N", "20")[0]
    results: dict = {"text_n": text_n, "pdf_n": pdf_n, "html_n": html_n}

    def step(name: str, *args: str) -> dict:
        result = measure(*args)
        print(f"{name}: {result['wall']:.1f} s", flush=True)
        return result

    folder = generate("txt", text_n, CORPUS)
    results["text"] = step(f"text extraction and tokenizer, document by document, {text_n} texts", "text",
                           str(folder))
    before = step(f"tokenizer, {text_n} texts", "tokenizer", str(folder))
    results["e2e"] = step(f"pipeline, {text_n} texts, 1 job", "pipeline", str(folder), "1", "pdfium")
    after = step(f"tokenizer, {text_n} texts", "tokenizer", str(folder))
    results["tokenizer"] = before | {"wall": (before["wall"] + after["wall"]) / 2}
    results["memory"] = {}
    for n in memory_n:
        results["memory"][n] = step(f"pipeline, {n} texts, 2 jobs", "pipeline", str(generate("txt", n, CORPUS)), "2",
                                    "pdfium")
    folder = generate("html", html_n, CORPUS)
    results["html"] = step(f"pipeline, {html_n} web pages", "pipeline", str(folder), "1", "pdfium")

    folder = generate("pdf", pdf_n, CORPUS)
    results["pages"] = pdf_pages(folder)
    readings = step("pypdfium2 raw text, pdfplumber extract_words, our PDF reader", "pdf_readings", str(folder))
    results |= {name: readings[name] for name in ("pdfium_text", "extract_words", "reader")}
    outputs = {engine: CORPUS / f"output-{engine}" for engine in ("pdfium", "pdfplumber")}
    for engine, output in outputs.items():
        subprocess.run(["rm", "-rf", str(output)], check=True)
        results[f"pdf_{engine}"] = step(f"PDF pipeline, {engine} engine", "pipeline", str(folder), "1", engine,
                                        str(output))
    results["engines_agree"] = same_output(*outputs.values())
    results["profile"] = profile_text(generate("txt", text_n, CORPUS))
    results["seconds"] = time.time() - started
    results["load"] = (load, os.getloadavg()[0])
    PLOT.write_text(svg(pdf_series(results), memory_series(results)), encoding="utf-8")
    REPORT.write_text(render(results) + kept_sections(), encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)} and {PLOT.relative_to(ROOT)} in {results['seconds'] / 60:.1f} minutes")


def pages_per_second(result: dict, pages: int) -> float:
    return pages / result["wall"]


def pdf_series(r: dict) -> list[tuple[str, float]]:
    pages = r["pages"]
    return [("pypdfium2 raw text", pages_per_second(r["pdfium_text"], pages)),
            ("pdfplumber extract_words", pages_per_second(r["extract_words"], pages)),
            ("pipeline, PDFium engine", pages_per_second(r["pdf_pdfium"], pages)),
            ("pipeline, pdfplumber engine", pages_per_second(r["pdf_pdfplumber"], pages)),
            ("Docling (published)", sum(DOCLING["pages_per_second"]) / 2)]


def memory_series(r: dict) -> list[tuple[int, float]]:
    return [(n, m["peak_rss_mib"]) for n, m in sorted(r["memory"].items())]


def kept_sections() -> str:
    """Sections of the current report that another benchmark wrote, to keep."""
    if not REPORT.exists():
        return ""
    text = REPORT.read_text(encoding="utf-8")
    kept = []
    for heading in KEPT_SECTIONS:
        if heading in text:
            section = text[text.index(heading):]
            following = section.find("\n## ", len(heading))
            kept.append(section if following < 0 else section[: following + 1])
    return "".join("\n" + section.rstrip("\n") + "\n" for section in kept)


def render(r: dict) -> str:
    tok, ext, e2e = r["tokenizer"], r["text"], r["e2e"]
    tok_rate = tok["documents"] / tok["wall"]
    paired_rate = ext["documents"] / ext["tokenizer_wall"]
    ext_rate = ext["documents"] / ext["wall"]
    e2e_rate = e2e["documents"] / e2e["wall"]
    pages = r["pages"]
    plumber, pdfium = pages_per_second(r["pdf_pdfplumber"], pages), pages_per_second(r["pdf_pdfium"], pages)
    memory = sorted(r["memory"].items())
    low, high = memory[0], memory[-1]
    growth = high[1]["peak_rss_mib"] / low[1]["peak_rss_mib"]
    largest = memory[-1][1]
    docling = DOCLING["pages_per_second"]
    out = ["# Benchmarks", "",
           f"Generated by `make bench` in {r['seconds'] / 60:.1f} minutes on {os.cpu_count()} cores (load average "
           f"{r['load'][0]:.1f} at the start, {r['load'][1]:.1f} at the end: the machine is shared, so every figure "
           "has a baseline measured in the same run, on the same files). The corpus is the seed with region order, "
           "whitespace and contact names varied (`benchmarks/corpus.py`), as text, web pages and PDFs. Each "
           "measurement runs in a process of its own from an empty `interim/`, after loading what it needs and "
           "handling one document untimed.", "",
           "![PDF pages per second by engine, and peak memory against N](benchmarks.svg)", "",
           f"## Text: the pipeline beside spaCy's bare tokenizer ({r['text_n']} documents)", "",
           "The text extraction and the tokenizer take each document in turn in one process, so that they see "
           "the same load; the end-to-end run is compared with the tokenizer run just before and just after it "
           "(their mean).", "",
           "| what runs | docs/s | ms/doc | ratio to the tokenizer | target |", "| --- | --- | --- | --- | --- |",
           f"| spaCy `blank(\"sv\")` tokenizer, in turn with the extraction | {paired_rate:.1f} | "
           f"{1000 / paired_rate:.0f} | 100 % | |",
           f"| whole text extraction: reader and every stage, nothing written | {ext_rate:.1f} | {1000 / ext_rate:.0f} "
           f"| {ext_rate / paired_rate:.0%} | ≥ 50 % |",
           f"| spaCy `blank(\"sv\")` tokenizer, on its own (before and after the next) | {tok_rate:.1f} | "
           f"{1000 / tok_rate:.0f} | 100 % | |",
           f"| end to end, 1 job: JSON, Parquet, review page, data dictionary, interim files | {e2e_rate:.1f} | "
           f"{1000 / e2e_rate:.0f} | {e2e_rate / tok_rate:.0%} | ≥ 35 % |", "",
           "## Memory and scale (text, 2 jobs)", "",
           "| N | wall | docs/s | peak RSS (any process) |", "| --- | --- | --- | --- |"]
    for n, m in memory:
        out.append(f"| {n} | {m['wall']:.1f} s | {m['documents'] / m['wall']:.1f} | {m['peak_rss_mib']:.0f} MiB |")
    out += ["", f"Peak memory at N={high[0]} is {growth:.2f}× that at N={low[0]} (target ≤ 1.5×)."]
    out.append(f"With `--jobs 2` at N={high[0]}: {(largest['documents'] / largest['wall']) / e2e_rate:.2f}× the "
               f"documents per second of 1 job at N={r['text_n']}.")
    out += ["", f"## PDF ({r['pdf_n']} reports, {pages} pages)", "",
            "| what runs | pages/s | against pdfplumber `extract_words` |", "| --- | --- | --- |"]
    words = pages_per_second(r["extract_words"], pages)
    rows = [("pypdfium2 raw text: reading, no layout (the practical limit)", r["pdfium_text"]),
            ("pdfplumber `extract_words`", r["extract_words"]),
            ("our PDF reader, PDFium engine (layout, text normalised)", r["reader"]),
            ("whole PDF pipeline, pdfplumber engine (`--pdf-engine pdfplumber`)", r["pdf_pdfplumber"]),
            ("whole PDF pipeline, PDFium engine (the default)", r["pdf_pdfium"])]
    for name, result in rows:
        rate = pages_per_second(result, pages)
        out.append(f"| {name} | {rate:.1f} | {rate / words:.2f}× |")
    out += [f"| Docling, published CPU figure (not run here) | {docling[0]:.2f}–{docling[1]:.2f} | "
            f"{docling[0] / words:.2f}–{docling[1] / words:.2f}× |", "",
            f"- The whole PDF pipeline with the PDFium engine runs at **{pdfium / plumber:.1f}×** the pages per second "
            "of the same pipeline with the pdfplumber engine (target ≥ 6×).",
            f"- Both engines wrote {'the same' if r['engines_agree'] else 'DIFFERENT'} JSON output for all "
            f"{r['pdf_n']} reports.",
            f"- Docling: {DOCLING['source']}.", "",
            f"## Web pages ({r['html_n']} documents, 1 job)", "",
            f"{r['html']['documents'] / r['html']['wall']:.1f} documents per second end to end, peak RSS "
            f"{r['html']['peak_rss_mib']:.0f} MiB.", "",
            "## Where the text extraction's time goes", "",
            "Own time per document by module, from a profile of the in-process text extraction (the profiler "
            "slows everything, spaCy's Cython the most):", "",
            "| module | ms/doc |", "| --- | --- |"]
    by_module, functions = r["profile"]
    out += [f"| `{name}` | {ms:.1f} |" for name, ms in by_module]
    out += ["", "The functions with the most own time:", "", "```", functions, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    main()
