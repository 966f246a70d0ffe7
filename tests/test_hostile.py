"""Hostile and unlucky input: nothing lost, nothing hung, nothing leaked, every failure one line.

Each test is a case of issue 10 (tests/hostile/README.md lists them). Where a case is about time
(a quadratic pattern), the test checks the mechanism that keeps it linear; ``make bench`` measures
the time itself (docs/benchmarks-hostile.md).
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

from pipeline.runner import run as runner
from tests.conftest import SEED, cli

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


def test_a_text_over_a_million_characters_is_extracted(tmp_path):
    big = SEED_TEXT + "\n\nKonkret: " + "ord " * 300_000 + "\n"  # 1.25 million characters
    project(tmp_path, big)
    summary = runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    assert summary.documents == 1 and summary.regions == 17


def test_the_nlp_pipeline_takes_the_largest_text_a_reader_may_give():
    from pipeline.entities.nlp import build_nlp
    from pipeline.readers.text import MAX_SOURCE_BYTES
    from tests.conftest import PROFILE

    assert build_nlp(PROFILE).max_length >= MAX_SOURCE_BYTES  # one character per byte at most


def test_breakdown_scanner_consumes_a_run_of_words_once():
    """A run of words without a colon is one match, so no position inside it is tried again (the
    old pattern tried every position, each to the end of the run: minutes for 100 KB)."""
    from pipeline.parse.counts import _BREAKDOWN

    matches = list(_BREAKDOWN.finditer("a " * 1000 + "/ Lokal samverkan: 4, Föreningar: 5"))
    assert [(m.end() - m.start(), m.group(1)) for m in matches] == [(2000, None), (18, "4"), (13, "5")]


def test_breakdown_is_still_read():
    from pipeline.parse.counts import parse_count
    from tests.conftest import PROFILE

    text = "64 (Lokal samverkan: 4, Föreningar/ideella: 50, Övriga: 11)"
    parsed = parse_count(text, 0, len(text), PROFILE.counts, PROFILE.lists)
    assert (parsed.value, parsed.breakdown_total) == (64, 65)


def test_list_merging_searches_only_the_tail_of_an_item(monkeypatch):
    """An open example list ("banker som a, b, c, …") grows by one item at a time; the closer is
    looked for only at its end, never in the whole of it again (that was quadratic)."""
    from pipeline.parse import lists
    from tests.conftest import PROFILE

    patterns = lists._patterns(PROFILE.lists)
    searched: list[int] = []

    class Recording:
        def search(self, text, pos=0, endpos=None):
            searched.append((len(text) if endpos is None else endpos) - pos)
            return patterns.closers.search(text, pos, len(text) if endpos is None else endpos)

    recorded = lists._Patterns(Recording(), patterns.conjunction, patterns.example_word, patterns.closer_tail)
    monkeypatch.setattr(lists, "_patterns", lambda rules: recorded)
    text = "banker som " + "jurister, " * 2000 + "etc."
    items = lists.split_items(text, PROFILE.lists)
    assert len(items) == 1 and items[0].text == text
    assert max(searched) <= patterns.closer_tail


def test_intro_claims_are_looked_for_sentence_by_sentence():
    from pipeline.parse.intro import MAX_CLAIM_SENTENCE, sentences

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
    from pipeline.extraction import resolver_for
    from pipeline.models import Findings
    from tests.conftest import PROFILE

    county = reference.county_by_code("10")
    mentions = RegionMentions(county, resolver_for(PROFILE), DocumentOrganisations(PROFILE), Findings("10"))
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
    import types

    from spacy.pipeline import EntityRuler

    from pipeline.entities.nlp import build_nlp
    from pipeline.readers.text import normalise
    from tests.conftest import PROFILE

    nlp = build_nlp(PROFILE)
    text, _ = normalise(SEED_TEXT + "\n\nCoompanion Almi Nyföretagarcentrum Region Skåne Malmö Lund Coomapanion\n")
    ours = [(e.start, e.end, e.label_, e.ent_id_) for e in nlp(text).ents]
    rulers = [nlp.get_pipe(name) for name in ("alias_ruler", "exact_ruler")]
    try:
        for ruler in rulers:
            ruler.set_annotations = types.MethodType(EntityRuler.set_annotations, ruler)
        theirs = [(e.start, e.end, e.label_, e.ent_id_) for e in nlp(text).ents]
    finally:
        for ruler in rulers:
            del ruler.set_annotations
        from pipeline.entities import nlp as nlp_module

        for ruler in rulers:
            ruler.set_annotations = types.MethodType(nlp_module._set_annotations, ruler)
    assert ours == theirs and len(ours) > 300


def test_many_municipalities_after_a_role_word_are_all_municipal(tmp_path):
    text = ("Tillväxtverket\n\nSå arbetar regionerna\n\nRegion Skåne bygger\n\nSkåne arbetar.\n\n"
            "Konkret: kommunrepresentanter från " + "Malmö, Ystad, " * 500 + "och Lund.\n")
    project(tmp_path, text)
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    mentions = pq.read_table(tmp_path / "output" / "parquet" / "mentions.parquet").to_pylist()
    places = [m for m in mentions if m["surface"] in ("Malmö", "Ystad")]
    assert len(places) == 1000 and {m["method"] for m in places} == {"municipal"}
