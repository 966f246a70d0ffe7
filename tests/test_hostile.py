"""Hostile and unlucky input: nothing lost, nothing hung, nothing leaked, every failure one line.

Each test is a case of issue 10, grouped as the issue groups them (the folders, redaction, limits,
one-line failures, the cache, line breaks, web pages, the review page, diff). Where a case is about
time (a quadratic pattern), the test checks the mechanism that keeps it linear; ``make bench``
measures the time itself (docs/benchmarks-hostile.md), and ``make fuzz`` compares the rewritten
list splitter and breakdown scanner with the old code on generated input.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import stages
from pipeline.runner import run as runner
from tests.conftest import COMPILED, SEED, cli

SEED_TEXT = SEED.read_text(encoding="utf-8")
SALT = "a-test-salt-of-more-than-16-characters"


def project(tmp_path: Path, text: str = SEED_TEXT, name: str = "rapport.txt") -> Path:
    (tmp_path / "raw").mkdir(parents=True, exist_ok=True)
    (tmp_path / "raw" / name).write_text(text, encoding="utf-8")
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes; links by their target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def extract(cwd: Path, *args: str):
    return cli("extract", "-q", *args, cwd=cwd)


def one_error_line(result) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# --- the output and interim folders are the pipeline's alone -------------------------------------


@pytest.mark.parametrize("output", ["raw", ".", "raw/inside"])
def test_output_folder_that_is_contains_or_sits_inside_raw_is_refused(tmp_path, output):
    project(tmp_path)
    (tmp_path / "notes.md").write_text("the user's own file\n", encoding="utf-8")
    before = tree(tmp_path)
    line = one_error_line(extract(tmp_path, "--output-dir", output))
    assert "raw folder" in line and "nothing was changed" in line
    assert tree(tmp_path) == before


@pytest.mark.parametrize("interim", ["raw", "."])
def test_interim_folder_that_is_or_contains_raw_is_refused(tmp_path, interim):
    project(tmp_path)
    before = tree(tmp_path)
    line = one_error_line(extract(tmp_path, "--interim-dir", interim))
    assert "--interim-dir" in line and "raw folder" in line
    assert tree(tmp_path) == before


@pytest.mark.parametrize("output, interim", [("work", "work"), ("work", "work/cache"), ("work/out", "work")])
def test_output_and_interim_folders_must_be_apart(tmp_path, output, interim):
    project(tmp_path)
    line = one_error_line(extract(tmp_path, "--output-dir", output, "--interim-dir", interim))
    assert "--interim-dir" in line
    assert not (tmp_path / "work").exists()


def test_an_existing_file_as_output_folder_is_refused_and_left_alone(tmp_path):
    project(tmp_path)
    (tmp_path / "output").write_text("not a folder\n", encoding="utf-8")
    before = tree(tmp_path)
    line = one_error_line(extract(tmp_path))
    assert "is a file" in line
    assert tree(tmp_path) == before


def test_a_folder_the_pipeline_did_not_write_is_refused(tmp_path):
    project(tmp_path)
    (tmp_path / "output" / "photos").mkdir(parents=True)
    (tmp_path / "output" / "photos" / "holiday.jpg").write_bytes(b"\xff\xd8 a photo")
    before = tree(tmp_path)
    line = one_error_line(extract(tmp_path))
    assert "not empty" in line and ".pipeline-output" in line
    assert tree(tmp_path) == before


def test_a_file_added_to_the_output_folder_is_never_deleted(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    assert (tmp_path / "output" / ".pipeline-output").is_file()
    (tmp_path / "output" / "json" / "my-notes.md").write_text("keep me\n", encoding="utf-8")
    before = tree(tmp_path / "output")
    line = one_error_line(extract(tmp_path))
    assert "did not write" in line and "my-notes.md" in line
    assert tree(tmp_path / "output") == before


def test_the_marker_lists_every_file_of_the_output_and_a_rerun_accepts_it(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    marker = (tmp_path / "output" / ".pipeline-output").read_text(encoding="utf-8").splitlines()
    listed = marker[marker.index("files written:") + 1:]
    files = sorted(str(p.relative_to(tmp_path / "output")) for p in (tmp_path / "output").rglob("*")
                   if p.is_file() and p.name != ".pipeline-output")
    assert listed == files and "json/rapport/document.json" in listed
    assert (tmp_path / "interim" / ".pipeline-interim").is_file()
    assert extract(tmp_path).returncode == 0  # its own folders are accepted


def test_interim_folder_marked_as_output_is_refused(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    line = one_error_line(extract(tmp_path, "--output-dir", "out2", "--interim-dir", "output"))
    assert "output folder" in line


def test_a_symlinked_output_folder_is_written_through(tmp_path):
    project(tmp_path)
    shared = tmp_path / "shared" / "dataset"
    shared.mkdir(parents=True)
    (tmp_path / "output").symlink_to(shared)
    assert extract(tmp_path).returncode == 0
    assert (tmp_path / "output").is_symlink() and os.readlink(tmp_path / "output") == str(shared)
    assert (shared / "json" / "rapport" / "document.json").is_file()
    (tmp_path / "raw" / "rapport.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 64",
                                                                    "Kända sociala företag: 65"), encoding="utf-8")
    assert extract(tmp_path).returncode == 0
    skane = json.loads((shared / "json" / "rapport" / "12-skane.json").read_text(encoding="utf-8"))
    assert skane["known_social_enterprises"]["value"] == 65 and (tmp_path / "output").is_symlink()


def test_a_second_run_on_the_same_folder_waits_then_refuses_with_one_line(tmp_path):
    project(tmp_path)
    lock = os.open(tmp_path / ".output.lock", os.O_RDWR | os.O_CREAT)
    os.write(lock, b"4242\n")
    fcntl.flock(lock, fcntl.LOCK_EX)  # another run holds the output folder
    try:
        line = one_error_line(extract(tmp_path, "--wait", "0.2"))
        assert "another extract (process 4242)" in line and "--wait" in line
        assert not (tmp_path / "output").exists()
        releaser = threading.Timer(0.3, lambda: fcntl.flock(lock, fcntl.LOCK_UN))
        releaser.start()
        assert extract(tmp_path, "--wait", "30").returncode == 0  # waits for the other run to finish
        releaser.join()
    finally:
        os.close(lock)


def test_leftovers_beside_the_output_are_removed_only_when_they_are_provably_the_pipelines(tmp_path):
    project(tmp_path)
    user_backup = tmp_path / ".output.backup-1"  # the user's own folder, named much like a staging folder
    user_backup.mkdir()
    (user_backup / "important.txt").write_text("mine\n", encoding="utf-8")
    killed = tmp_path / ".output.staging-999999"  # a killed run's staging folder (no such process)
    killed.mkdir()
    (killed / ".pipeline-staging").write_text("regional-social-enterprise-pipeline: staging folder\n",
                                              encoding="utf-8")
    (killed / "parquet").mkdir()
    unmarked = tmp_path / ".output.staging-999998"  # looks like one, but carries no marker
    unmarked.mkdir()
    (unmarked / "thesis.tex").write_text("mine too\n", encoding="utf-8")
    result = extract(tmp_path)
    assert result.returncode == 0
    assert (user_backup / "important.txt").read_text(encoding="utf-8") == "mine\n"
    assert not killed.exists()
    assert (unmarked / "thesis.tex").is_file()


def test_swap_deletes_only_the_files_the_old_tree_lists(tmp_path):
    from pipeline.runner.swap import swap_in

    old, new = tmp_path / "target", tmp_path / ".target.staging-1"
    (old / "sub").mkdir(parents=True)
    (old / "ours.json").write_text("1", encoding="utf-8")
    (old / "sub" / "theirs.txt").write_text("2", encoding="utf-8")
    new.mkdir()
    (new / "ours.json").write_text("3", encoding="utf-8")
    kept = swap_in(new, old, lambda tree: {"ours.json"})
    assert (old / "ours.json").read_text(encoding="utf-8") == "3"
    assert [Path(k).name for k in kept] == ["theirs.txt"] and Path(kept[0]).read_text(encoding="utf-8") == "2"


def test_the_projects_own_folders_are_accepted():
    """The committed output/ and interim/ carry their markers, so make extract works on a fresh clone."""
    from pipeline.runner.folders import check_folder

    root = Path(__file__).resolve().parent.parent
    check_folder(root / "output", "output")
    check_folder(root / "interim", "interim")


# --- redaction that holds --------------------------------------------------------------------------

REDACTION_SOURCE = """Tillväxtverket

Så arbetar regionerna

Region Blekinge sprider kunskap

Blekinge arbetar med kunskap. Projektledaren Karin Lundqvist berättar mer om arbetet.

Kontakt: Johan Nilsson, PL regionen, johan.nilsson@regionblekinge.se, 0455-73 50 00
Lena Karlsson, ALMI

Konkret: JOHAN NILSSON leder arbetet och Johan Nilssons team träffar Johan
Nilsson varje vecka, enligt Karin Lundqvist. Ring Lena Karlssons kollega på +46 70-123 45 67.
"""
REAL_NAMES = ("Johan Nilsson", "Lena Karlsson", "Karin Lundqvist")


def readable_texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text; a Parquet file as the text of all its rows."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".parquet":
            texts[str(path)] = json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False, default=str)
        elif path.is_file():
            texts[str(path)] = path.read_bytes().decode("utf-8")
    return texts


def test_redaction_leaves_no_real_name_in_any_form_in_any_file(tmp_path):
    project(tmp_path, REDACTION_SOURCE)
    assert extract(tmp_path, "--redact-people", "--salt", SALT).returncode == 0
    texts = readable_texts(tmp_path / "output") | readable_texts(tmp_path / "interim")
    assert any("review/index.html" in name for name in texts) and any("text.txt" in name for name in texts)
    forms = [re.compile(r"\s+".join(name.split()), re.IGNORECASE) for name in REAL_NAMES]  # any case, any break
    forms += [re.compile(re.escape(s)) for s in ("johan.nilsson@", "73 50 00", "123 45 67")]
    for name, text in texts.items():
        for form in forms:
            assert not form.search(text), f"{form.pattern!r} in {name}"
    contacts = pq.read_table(tmp_path / "output" / "parquet" / "contacts.parquet").to_pylist()
    assert len(contacts) == 2 and all(c["name"].startswith("Person ") for c in contacts)


def test_redaction_matches_names_in_any_case_genitive_and_across_a_line_break():
    from pipeline.redact import pseudonym, redact_names

    text = "JOHAN NILSSON, Johan Nilssons bok, Johan\nNilsson och Marie-\nLouise Lövgrens."
    redacted = redact_names(text, ["Johan Nilsson", "Marie-Louise Lövgren"], SALT)
    johan, marie = pseudonym("Johan Nilsson", SALT), pseudonym("Marie-Louise Lövgren", SALT)
    assert redacted == f"{johan}, {johan}s bok, {johan} och {marie}s."


def test_redaction_without_a_salt_is_refused(tmp_path):
    project(tmp_path)
    line = one_error_line(extract(tmp_path, "--redact-people"))
    assert "needs a secret salt" in line and not (tmp_path / "output").exists()
    line = one_error_line(extract(tmp_path, "--redact-people", "--salt", "short"))
    assert "at least 16" in line


def test_a_salt_without_redaction_is_an_error(tmp_path):
    project(tmp_path)
    line = one_error_line(extract(tmp_path, "--salt", SALT))
    assert "only with --redact-people" in line and not (tmp_path / "output").exists()


def test_the_salt_can_come_from_a_file(tmp_path):
    project(tmp_path, REDACTION_SOURCE)
    (tmp_path / "salt.txt").write_text(SALT + "\n", encoding="utf-8")
    assert extract(tmp_path, "--redact-people", "--salt-file", "salt.txt").returncode == 0
    from pipeline.redact import pseudonym

    contacts = pq.read_table(tmp_path / "output" / "parquet" / "contacts.parquet").column("name").to_pylist()
    assert pseudonym("Johan Nilsson", SALT) in contacts


# --- limits and linear time -----------------------------------------------------------------------


def test_a_text_over_a_million_characters_goes_through_spacy():
    """spaCy refuses texts over its ``max_length`` (1,000,000 characters by default)."""
    from pipeline.entities.nlp import analyse

    doc = analyse("Region Skåne bygger\n\n" + "ord " * 260_000, COMPILED.entities)
    assert len(doc.text) > 1_000_000 and len(doc) > 260_000


def test_the_nlp_pipeline_takes_the_largest_text_a_reader_may_give():
    from pipeline.readers.text import MAX_SOURCE_BYTES

    assert COMPILED.entities.pipeline.nlp.max_length >= MAX_SOURCE_BYTES  # one character per byte at most


def test_breakdown_scanner_consumes_a_run_of_words_once():
    """A run of words without a colon is one match, so no position inside it is tried again (the
    old pattern tried every position, each to the end of the run: minutes for 100 KB)."""
    from pipeline.values.counts import _BREAKDOWN

    matches = list(_BREAKDOWN.finditer("a " * 1000 + "/ Lokal samverkan: 4, Föreningar: 5"))
    assert [(m.end() - m.start(), m.group(1)) for m in matches] == [(2000, None), (18, "4"), (13, "5")]


def test_breakdown_is_still_read():
    from pipeline.values.counts import parse_count

    text = "64 (Lokal samverkan: 4, Föreningar/ideella: 50, Övriga: 11)"
    parsed = parse_count(text, 0, len(text), COMPILED.values.counts)
    assert (parsed.value, parsed.breakdown_total) == (64, 65)


def test_list_merging_searches_only_the_tail_of_an_item(monkeypatch):
    """An open example list ("banker som a, b, c, …") grows by one item at a time; the closer is
    looked for only at its end, never in the whole of it again (that was quadratic)."""
    from pipeline.segment import lists

    patterns = COMPILED.lists
    searched: list[int] = []

    class Recording:
        def search(self, text, pos=0, endpos=None):
            searched.append((len(text) if endpos is None else endpos) - pos)
            return patterns.closers.search(text, pos, len(text) if endpos is None else endpos)

    recorded = lists.ListPatterns(Recording(), patterns.conjunction, patterns.example_word, patterns.closer_tail)
    text = "banker som " + "jurister, " * 2000 + "etc."
    items = lists.split_items(text, recorded)
    assert len(items) == 1 and items[0].text == text
    assert max(searched) <= patterns.closer_tail


def test_intro_claims_are_looked_for_sentence_by_sentence():
    from pipeline.values.intro import MAX_CLAIM_SENTENCE, sentences

    text = ("17 av 21 regioner driver idag projekt. Återkommande fokusområden i regionerna är upphandling, "
            "t.ex. offentlig, och finansiering.\n\n" + "fokusområden " * 1000)
    found = sentences(text)
    assert found[:2] == ["17 av 21 regioner driver idag projekt.",
                         "Återkommande fokusområden i regionerna är upphandling, t.ex. offentlig, och finansiering."]
    assert all(len(s) <= MAX_CLAIM_SENTENCE for s in found) and len(found) == 2


def test_mention_lookup_reads_only_the_mentions_in_range():
    from pipeline import reference
    from pipeline.entities import DocumentOrganisations, RegionMentions
    from pipeline.entities.nlp import EntitySpan
    from pipeline.models import Findings

    county = reference.county_by_code("10")
    mentions = RegionMentions(county, COMPILED.entities.resolver, DocumentOrganisations(COMPILED.entities.registry), Findings("10"))
    for n in range(2000):
        mentions.add("partners", EntitySpan("almi", "Almi", 10 * n, 10 * n + 4, "alias"))

    class Counting(dict):
        reads = 0

        def __getitem__(self, key):
            Counting.reads += 1
            return super().__getitem__(key)

        def items(self):
            Counting.reads += len(self)
            return super().items()

    mentions.by_span = Counting(mentions.by_span)
    found = mentions.covering(5000, 5025)
    assert [m.start for m in found] == [5000, 5010, 5020] and Counting.reads == 3


def test_section_entities_are_found_by_bisection():
    from pipeline.entities.nlp import EntityIndex

    class Ent:
        def __init__(self, start, end):
            self.start, self.end = start, end

    index = EntityIndex([Ent(2 * n, 2 * n + 1) for n in range(10_000)])
    assert [(e.start, e.end) for e in index.inside(100, 106)] == [(100, 101), (102, 103), (104, 105)]
    assert index.inside(19_999, 30_000) == []


def test_linear_entity_ruler_annotates_exactly_as_spacys():
    """The entity rulers' annotation is replaced by a linear one; on the seed it gives the same
    entities as spaCy's own (which filters every earlier entity once per match)."""
    import spacy

    from pipeline.entities import nlp as nlp_module
    from pipeline.readers.text import normalise

    nlp = COMPILED.entities.pipeline.nlp
    text, _ = normalise(SEED_TEXT + "\n\nCoompanion Almi Nyföretagarcentrum Region Skåne Malmö Lund Coomapanion\n")
    ours = [(e.start, e.end, e.label_, e.ent_id_) for e in nlp(text).ents]
    spacys = spacy.blank("sv")  # spaCy's own entity_ruler, with the same patterns, on the same tokens
    spacys.tokenizer = nlp.tokenizer
    lower, exact = nlp_module._patterns(COMPILED.entities.registry)
    spacys.add_pipe("entity_ruler", name="alias_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(lower)
    spacys.add_pipe("entity_ruler", name="exact_ruler",
                    config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False}).add_patterns(exact)
    theirs = [(e.start, e.end, e.label_, e.ent_id_) for e in spacys(text).ents]
    assert ours == theirs and len(ours) > 300


def test_many_municipalities_after_a_role_word_are_all_municipal(tmp_path):
    text = ("Tillväxtverket\n\nSå arbetar regionerna\n\nRegion Skåne bygger\n\nSkåne arbetar.\n\n"
            "Konkret: kommunrepresentanter från " + "Malmö, Ystad, " * 500 + "och Lund.\n")
    project(tmp_path, text)
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    mentions = pq.read_table(tmp_path / "output" / "parquet" / "mentions.parquet").to_pylist()
    places = [m for m in mentions if m["surface"] in ("Malmö", "Ystad")]
    assert len(places) == 1000 and {m["method"] for m in places} == {"municipal"}


# --- only regular files; every failure is one line --------------------------------------------------


def test_a_fifo_in_raw_is_refused_with_one_line_and_does_not_hang(tmp_path):
    project(tmp_path)
    os.mkfifo(tmp_path / "raw" / "pipe.txt")
    result = extract(tmp_path)
    line = one_error_line(result)
    assert "pipe.txt" in line and "FIFO" in line and not (tmp_path / "output").exists()
    result = extract(tmp_path, "--keep-going")
    assert result.returncode == 1 and (tmp_path / "output" / "json" / "rapport" / "document.json").is_file()


def test_a_symlink_loop_in_raw_is_one_line(tmp_path):
    project(tmp_path)
    (tmp_path / "raw" / "loop.txt").symlink_to(tmp_path / "raw" / "loop.txt")
    (tmp_path / "raw" / "folder-loop").symlink_to(tmp_path / "raw")
    line = one_error_line(extract(tmp_path))
    assert "loop.txt" in line and "loops" in line


def test_a_source_over_the_limit_is_never_read_into_memory(tmp_path, monkeypatch):
    from pipeline.readers import text as text_reader

    project(tmp_path)
    with (tmp_path / "raw" / "stor.txt").open("wb") as handle:
        handle.truncate(text_reader.MAX_SOURCE_BYTES + 1)  # sparse: no disk used
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(text_reader.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    line = one_error_line(extract(tmp_path))
    assert "stor.txt" in line and "over the 20 MiB limit" in line and reads == []


def test_a_newline_in_a_file_name_cannot_forge_a_second_line(tmp_path):
    project(tmp_path)
    (tmp_path / "raw" / "x\nerror: all is fine.txt").write_bytes(b"")
    line = one_error_line(extract(tmp_path))
    assert "x\\nerror: all is fine.txt" in line and "empty" in line


def test_file_names_with_control_characters_are_printed_escaped():
    from pipeline.errors import UnusableInputError

    message = str(UnusableInputError("raw/a\x1b[31mb\u202ec\\d.txt", "problem\nsecond"))
    assert message == "raw/a\\x1b[31mb\\u202ec\\\\d.txt: problem\\nsecond"


def test_a_file_name_of_240_characters_gets_a_capped_document_id(tmp_path):
    project(tmp_path, SEED_TEXT, "a" * 240 + "1.txt")
    project(tmp_path, SEED_TEXT.replace("Kända sociala företag: 64", "Kända sociala företag: 65"), "a" * 240 + "2.txt")
    assert extract(tmp_path).returncode == 0
    ids = sorted(p.name for p in (tmp_path / "output" / "json").iterdir())
    assert len(ids) == 2 and all(len(i) <= 100 for i in ids) and ids[0][:80] == ids[1][:80] and ids[0] != ids[1]


def test_an_exception_in_one_document_is_its_own_one_line_failure(tmp_path, monkeypatch):
    project(tmp_path)
    project(tmp_path, SEED_TEXT, "trasig.txt")
    real = stages.assemble

    def broken(text, source, values, profile, redaction=None):
        if source.document_id == "trasig":
            raise RecursionError("maximum recursion depth exceeded\nwhile parsing")
        return real(text, source, values, profile, redaction)

    monkeypatch.setattr(stages, "assemble", broken)
    line = one_error_line(extract(tmp_path))
    assert "trasig.txt: internal error while extracting this document (RecursionError" in line
    assert not (tmp_path / "output").exists()
    result = extract(tmp_path, "--keep-going")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert (tmp_path / "output" / "json" / "rapport" / "document.json").is_file()
    quality = pq.read_table(tmp_path / "output" / "parquet" / "quality.parquet").to_pylist()
    assert [q["document_id"] for q in quality if q["code"] == "unusable_source"] == ["trasig"]
    verbose = cli("extract", "--keep-going", "--verbose", cwd=tmp_path)
    assert "Traceback" in verbose.stderr and "RecursionError" in verbose.stderr


_PROCESS = runner.process


def _dying_process(task):
    """``process``, except that the worker dies on document doc1 (as if killed for its memory)."""
    if task[0].document_id == "doc1":
        os._exit(9)
    return _PROCESS(task)


def test_a_worker_that_dies_ends_the_run_with_one_line_instead_of_hanging(tmp_path, monkeypatch):
    for n in range(3):
        project(tmp_path, SEED_TEXT, f"doc{n}.txt")
    monkeypatch.setattr(runner, "process", _dying_process)
    line = one_error_line(extract(tmp_path, "--jobs", "2"))
    assert "worker process ended" in line and not (tmp_path / "output").exists()


def test_a_twenty_digit_count_is_out_of_range_not_a_crash(tmp_path):
    project(tmp_path, SEED_TEXT.replace("Kända sociala företag: 64", "Kända sociala företag: 44000000000000000000"))
    assert extract(tmp_path).returncode == 0
    skane = json.loads((tmp_path / "output" / "json" / "rapport" / "12-skane.json").read_text(encoding="utf-8"))
    count = skane["known_social_enterprises"]
    assert (count["value"], count["basis"]) == (None, "none") and count["raw"].startswith("44000000000000000000 (")
    assert [f["code"] for f in skane["quality"] if f["code"] == "count_out_of_range"] == ["count_out_of_range"]


def test_numbers_of_thousands_of_digits_never_crash():
    from pipeline.values.counts import parse_count
    from pipeline.values.items import parse_items
    from pipeline.segment.lists import Item

    digits = "9" * 5000  # past Python's int() limit of 4,300 digits
    for text in (digits, f"{digits} (a: {digits}, b: {digits})", f"Totalt {digits} företag", f"{digits} Coompanion"):
        parse_count(text, 0, len(text), COMPILED.values.counts)
    goals = f"1. Första\n{digits} Andra\n{digits}. Tredje\n"
    assert len(parse_items(goals, 0, len(goals))) == 2
    assert Item("² kontor", 0, 8).quantity == 1 and Item(f"{digits} kontor", 0, 5007).quantity == 1


# --- the cache cannot lie ---------------------------------------------------------------------------


def test_a_hand_edited_interim_file_is_not_trusted(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    cached = tmp_path / "interim" / "rapport" / "extraction.json"
    edited = cached.read_text(encoding="utf-8").replace('"value":64,', '"value":4400,', 1)
    assert edited != cached.read_text(encoding="utf-8")
    cached.write_text(edited, encoding="utf-8")
    result = cli("extract", cwd=tmp_path)
    assert result.returncode == 0 and "1 re-extracted" in result.stdout
    assert "extraction.json: does not match its content hash; the document is re-extracted" in result.stderr
    skane = json.loads((tmp_path / "output" / "json" / "rapport" / "12-skane.json").read_text(encoding="utf-8"))
    assert skane["known_social_enterprises"]["value"] == 64
    assert '"value":4400' not in cached.read_text(encoding="utf-8")


def test_an_edited_interim_text_is_not_trusted(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    text = tmp_path / "interim" / "rapport" / "text.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Kända sociala företag: 64", "Kända sociala företag: 46"),
                    encoding="utf-8")
    result = cli("extract", cwd=tmp_path)
    assert "text.txt: does not match the text_sha256 of text.json" in result.stderr
    skane = json.loads((tmp_path / "output" / "json" / "rapport" / "12-skane.json").read_text(encoding="utf-8"))
    assert skane["known_social_enterprises"]["value"] == 64


# --- line-breaking characters and bidi controls ---------------------------------------------------


HEADING = "Region Skåne bygger regional samverkan"


@pytest.mark.parametrize("text", [SEED_TEXT.replace(f"\n\n{HEADING}", f"\n\n{c}{HEADING}", 1) for c in "\f\u2029\u2028\x85\x0b"]
                         + [SEED_TEXT.replace(f"\n\n{HEADING}", f"{c}{HEADING}", 1) for c in "\f\u2029"],
                         ids=["FF", "PS", "LS", "NEL", "VT", "FF-as-break", "PS-as-break"])
def test_a_heading_after_a_line_breaking_character_is_found(tmp_path, text):
    separator = next(c for c in "\f\u2029\u2028\x85\x0b" if c in text)
    project(tmp_path, text)
    summary = runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    assert summary.regions == 17
    document = json.loads((tmp_path / "output" / "json" / "rapport" / "document.json").read_text(encoding="utf-8"))
    (finding,) = [f for f in document["quality"] if f["code"] == "line_break_normalised"]
    assert finding["evidence"] == f"U+{ord(separator):04X}" and finding["message"].startswith("1 ")


def test_a_contact_name_with_a_bidi_control_is_kept_and_the_control_reported(tmp_path):
    text = SEED_TEXT.replace("Kontakt: Johan Nilsson, PL regionen", "Kontakt: \u2067Johan Nil\u202esson\u2069, PL regionen")
    assert text != SEED_TEXT
    project(tmp_path, text)
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    blekinge = json.loads((tmp_path / "output" / "json" / "rapport" / "10-blekinge.json").read_text(encoding="utf-8"))
    assert "Johan Nilsson" in [c["name"] for c in blekinge["contacts"]]
    document = json.loads((tmp_path / "output" / "json" / "rapport" / "document.json").read_text(encoding="utf-8"))
    (finding,) = [f for f in document["quality"] if f["code"] == "bidi_control_removed"]
    assert finding["severity"] == "warning" and finding["evidence"] == "U+202E U+2067 U+2069"


def test_normalisation_of_breaks_is_idempotent_and_reported_once_per_kind():
    from pipeline.readers.text import normalise

    text, findings = normalise("a\fb\fc\u2029d\u202ee")
    assert text == "a\n\nb\n\nc\n\nde\n"
    assert [f.code for f in findings] == ["line_break_normalised", "line_break_normalised", "bidi_control_removed"]
    assert "2 form feed" in findings[0].message and normalise(text) == (text, ())


# --- web pages ------------------------------------------------------------------------------------


def html_page(tmp_path: Path, markup: str | bytes, name: str = "sida.html") -> Path:
    (tmp_path / "raw").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "raw" / name
    path.write_bytes(markup.encode("utf-8") if isinstance(markup, str) else markup)
    return path


def test_a_declared_charset_does_not_lift_the_size_limit(tmp_path):
    from pipeline.errors import UnusableInputError
    from pipeline.readers.html import read_html_source
    from pipeline.readers.text import MAX_SOURCE_BYTES

    data = b'<meta charset="utf-8"><main><p>' + b"x" * MAX_SOURCE_BYTES + b"</p></main>"
    with pytest.raises(UnusableInputError, match="over the 20 MiB limit"):
        read_html_source(tmp_path / "stor.html", data)


def test_only_real_text_encodings_are_taken_from_the_page(tmp_path):
    from pipeline.readers.html import read_html_source

    page = html_page(tmp_path, '<meta charset="unicode_escape"><main><p>Region Sk\\u00e5ne och Göteborg</p></main>')
    result = read_html_source(page)
    assert result.text == "Region Sk\\u00e5ne och Göteborg\n" and result.encoding == "utf-8"
    page = html_page(tmp_path, '<meta charset="rot13"><main><p>Örebro</p></main>'.encode("cp1252"))
    assert read_html_source(page).text == "Örebro\n"


def test_deep_html_nesting_is_read_without_recursion(tmp_path):
    from pipeline.readers.html import read_html_source

    depth = 5_000
    markup = ("<main>" + "<div><span>" * depth + "<p>Region Skåne bygger</p>" + "</span></div>" * depth
              + "<ul>" + "<li>punkt<ul>" * depth + "<li>djupast</li>" + "</ul></li>" * depth + "</ul></main>")
    text = read_html_source(html_page(tmp_path, markup)).text
    assert text.startswith("Region Skåne bygger\n\n• punkt\n- punkt\n") and text.endswith("- djupast\n")


@pytest.mark.parametrize("start", ["²", "٣", "99999999999999999999", "-1", ""])
def test_an_ordered_list_with_an_odd_start_is_numbered_from_one(tmp_path, start):
    from pipeline.readers.html import read_html_source

    page = html_page(tmp_path, f'<main><ol start="{start}"><li>Första</li><li value="³">Andra</li></ol></main>')
    assert read_html_source(page).text == "1. Första\n2. Andra\n"


def test_html_comments_are_not_text(tmp_path):
    from pipeline.readers.html import read_html_source

    page = html_page(tmp_path, "<main><p>Synligt<!-- dolt --> ord</p><!-- <p>Region Skåne bygger</p> --></main>")
    assert read_html_source(page).text == "Synligt ord\n"


# --- the review page's embedded JSON --------------------------------------------------------------


def test_review_json_escapes_what_could_end_or_break_its_script_element():
    from pipeline.review.site import _json

    payload = {"text": "<!--<script>alert(1)</script> & \u2028\u2029 ok"}
    written = _json(payload)
    assert not set(written) & set("<>&\u2028\u2029") and json.loads(written) == payload


def test_review_page_of_a_source_with_script_markup_keeps_every_region(tmp_path):
    text = SEED_TEXT.replace("\n\nKontakt: Johan Nilsson", "\n\nBakgrund <!--<script>\nOm bakgrunden.\n\n"
                                                          "Kontakt: Johan Nilsson", 1)
    assert text != SEED_TEXT
    project(tmp_path, text)
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    page = (tmp_path / "output" / "review" / "index.html").read_text(encoding="utf-8")
    (spans,) = re.findall(r'<script type="application/json" class="spans">(.*?)</script>', page, re.DOTALL)
    assert "<" not in spans and "Bakgrund <!--<script>" in json.dumps(json.loads(spans), ensure_ascii=False)
    assert page.count('<article class="region"') == 17


# --- diff -----------------------------------------------------------------------------------------


def test_diff_exits_2_on_a_malformed_or_older_output_folder(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    older = tmp_path / "older" / "json" / "rapport"
    shutil.copytree(tmp_path / "output" / "json" / "rapport", older)
    region = json.loads((older / "12-skane.json").read_text(encoding="utf-8"))
    del region["region_name"]
    (older / "12-skane.json").write_text(json.dumps(region), encoding="utf-8")
    result = cli("diff", "output", "older", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "region_name is missing" in result.stderr
    (older / "12-skane.json").write_text('{"county_code": 12, "title": []}', encoding="utf-8")
    assert cli("diff", "older", "output", cwd=tmp_path).returncode == 2
    (older / "12-skane.json").write_bytes(b"\xff\xfe not utf-8")
    result = cli("diff", "older", "output", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_worker_that_dies_is_that_documents_failure_and_keep_going_publishes_the_others(tmp_path, monkeypatch):
    for n in range(3):  # three editions (copies would be one document)
        project(tmp_path, SEED_TEXT.replace("Kända sociala företag: 44", f"Kända sociala företag: {44 + n}"),
                f"doc{n}.txt")
    monkeypatch.setattr(runner, "process", _dying_process)
    result = extract(tmp_path, "--jobs", "2", "--keep-going")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "doc1.txt" in errors[0] and "worker process ended" in errors[0]
    assert sorted(p.name for p in (tmp_path / "output" / "json").iterdir()) == ["doc0", "doc2"]



def test_a_library_exiting_inside_a_stage_is_that_documents_failure_not_a_silent_success(tmp_path, monkeypatch):
    project(tmp_path)

    def exiting(text, segmentation, entities, profile):
        raise SystemExit(0)

    monkeypatch.setattr(stages, "values_stage", exiting)
    line = one_error_line(extract(tmp_path))
    assert "internal error while extracting this document (SystemExit" in line
    assert not (tmp_path / "output").exists()
