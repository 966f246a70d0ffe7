"""The diff command: every field of the JSON, one record per change, a summary first, Markdown and
JSON reports, exit codes, folders and git revisions.

The expected changes are written from the edits (``EVERY_KIND_EDITS`` in tests/conftest.py) and the
seed's text, never from the tool's output."""

from __future__ import annotations

import copy
import json
import re
import subprocess

import jsonschema
import pytest

from pipeline.review.diff import PAIR_SIMILARITY, similarity, compare, load_folder, load_revision, report_schema
from pipeline.review.diff_text import as_json, markdown, word_diff
from tests.conftest import ROOT, SEED, cli, extract_text_into

SEED_TEXT = SEED.read_text(encoding="utf-8")
DOC = "tillvaxtverket-sa-arbetar-regionerna"


def _details(text: str) -> dict[str, list[str]]:
    """The Markdown report's bullets under each ### heading of the document."""
    out: dict[str, list[str]] = {}
    heading = ""
    for line in text.split(f"\n## {DOC}\n", 1)[1].splitlines():
        if line.startswith("### "):
            heading = line[4:]
            out[heading] = []
        elif line.startswith("- "):
            out[heading].append(line)
    return out


@pytest.fixture(scope="module")
def every_kind(seed_output, every_kind_output):
    return compare(load_folder(seed_output), load_folder(every_kind_output))


def test_identical_extractions_have_no_changes(seed_output):
    report = compare(load_folder(seed_output), load_folder(seed_output / "json"))
    assert not report.changed and report.changes == []
    assert markdown(report).endswith("No changes.\n")


def test_json_report_names_exactly_the_edits(every_kind):
    records = [(c.region, c.field, c.item, c.kind, c.changed) for c in every_kind.changes]
    assert records == [
        # document.json: what a region added and a partner removed change there
        (None, "regions_found", None, "changed", []),
        (None, "counties", "08", "changed", ["has_project"]),
        (None, "organisations", "region-kalmar-lan", "added", []),  # Region Kalmar län, named by Kalmar's "regionen"
        (None, "organisations", "hogskolan-dalarna", "removed", []),  # named only in Dalarna's partners
        (None, "quality", "region_count_mismatch: 17 av 21 regioner", "added", []),  # the intro claims 17
        ("01", "sections", "previous_engagement", "changed", ["text"]),
        ("03", "summary", None, "changed", []),
        ("07", "sections", "goals", "changed", ["text"]),
        ("07", "goals", "7.", "added", []),
        ("08", "region", None, "added", []),
        ("10", "known_social_enterprises", None, "changed", ["value", "raw"]),
        ("20", "sections", "partners", "changed", ["text"]),
        ("20", "mentions", "partners: Högskolan Dalarna", "removed", []),
        ("20", "organisations", "hogskolan-dalarna", "removed", []),
        ("23", "sections", "contact", "changed", ["text"]),
        ("23", "contacts", "Jessica Ottosson", "changed", ["name", "source_line"]),
    ]
    by_key = {(c.region, c.field, c.item): c for c in every_kind.changes}
    assert (by_key["10", "known_social_enterprises", None].old["value"],
            by_key["10", "known_social_enterprises", None].new["value"]) == (44, 47)
    rename = by_key["23", "contacts", "Jessica Ottosson"]
    assert (rename.old["name"], rename.new["name"], rename.new["role"], rename.new["organisation_id"]) == (
        "Jessica Ottosson", "Lina Holm", "projektledare", "coompanion")
    assert by_key["07", "goals", "7."].new == {"label": "7.",
                                               "text": "Fler sociala företag deltar i offentliga upphandlingar."}
    assert by_key["08", "region", None].new["title"] == "Region Kalmar stärker sociala företag"
    positions = [c for c in every_kind.changes if '"start":' in json.dumps(c.old) + json.dumps(c.new)]
    assert positions == []  # positions are not values


def test_markdown_report_names_exactly_the_edits(every_kind):
    text = markdown(every_kind)
    summary = text.split("## Summary\n\n", 1)[1].split("\n\n## ", 1)[0].splitlines()
    assert summary == [
        # one edit, one line: the partner removed takes its section's words and the organisation it took
        # away; the contact replaced and the goal added take their sections' words
        f"`{DOC}`: 6 regions changed: 1 summary, 1 count, 1 section, 1 contact, 1 goal, 1 mention; 1 region added",
        "- document.json: regions_found, 1 county, 1 organisation, 1 finding",
        "- 01 Stockholms län: 1 section",
        "- 03 Uppsala län: 1 summary",
        "- 07 Kronobergs län: 1 goal",
        "- 08 Kalmar län: added",
        "- 10 Blekinge län: 1 count",
        "- 20 Dalarnas län: 1 mention",
        "- 23 Jämtlands län: 1 contact",
    ]
    assert _details(text) == {
        "document.json": [
            "- regions_found: 17 → 18",
            "- county 08 Kalmar län: has_project: false → true",
            "- organisation added: region-kalmar-lan (Region Kalmar län)",
            "- finding new: warning `region_count_mismatch` — “17 av 21 regioner”",
        ],
        "01 Stockholms län": [
            "- section Tidigare engagemang (previous_engagement): … i Stockholmsregionen kring sociala företag har "
            "~~främst~~ **framför allt** gällt arbetsintegrerade sociala företag, bland annat …",
        ],
        "03 Uppsala län": [
            "- summary: … och samarbeta med sociala företag och **lokala** entreprenörer. Projektet har också som "
            "syfte …",
        ],
        "07 Kronobergs län": [
            "- goal added: 7. “Fler sociala företag deltar i offentliga upphandlingar.” (section Mål (goals))",
        ],
        "08 Kalmar län": [
            "- region added: Region Kalmar: “Region Kalmar stärker sociala företag” (known_social_enterprises 12, "
            "municipalities_promoting –, business_promoters –; 1 contact, 0 goals, 0 purpose items)",
        ],
        "10 Blekinge län": ["- `known_social_enterprises`: 44 (stated) → 47 (stated)"],
        "20 Dalarnas län": [
            "- mention removed: “Högskolan Dalarna” → hogskolan-dalarna (in partners, alias) (organisation gone from "
            "the region; organisation gone from the document; section Samverkanspartners (partners))",
        ],
        "23 Jämtlands län": [
            "- contact changed: Jessica Ottosson → Lina Holm, projektledare, Coompanion (section Kontakt (contact))",
        ],
    }


def test_json_report_follows_its_published_schema(every_kind):
    committed = json.loads((ROOT / "docs" / "diff-report.schema.json").read_text(encoding="utf-8"))
    assert committed == report_schema(), "docs/diff-report.schema.json is stale: regenerate it from report_schema()"
    data = json.loads(as_json(every_kind))
    jsonschema.validate(data, committed)
    assert data["format"] == "pipeline-diff" and data["version"] == 1 and data["changed"] is True
    assert set(data["changes"][0]) == {"document_id", "region", "county_name", "field", "item", "kind", "changed",
                                       "old", "new"}


def test_fields_a_later_model_adds_are_compared(seed_output):
    """A count's qualifier, a contact's email and a finding's field, as another engineer is adding
    them, and a new top-level field: compared with no change to the diff."""
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    for snapshot in (old, new):  # the field exists on both sides, as after a re-extraction with the new model
        skane = snapshot.regions[DOC]["12"]
        skane["known_social_enterprises"]["qualifier"] = None
        for contact in skane["contacts"]:
            contact["email"] = None
    skane = new.regions[DOC]["12"]
    field_before = skane["quality"][0].get("field") or "–"
    skane["known_social_enterprises"]["qualifier"] = "minst"
    skane["contacts"][0]["email"] = "kontakt@example.se"
    skane["quality"][0]["field"] = "business_promoters"
    skane["shared_premises"] = True
    contact, finding = skane["contacts"][0], skane["quality"][0]
    report = compare(old, new)
    assert [(c.field, c.item, c.kind, c.changed) for c in report.changes] == [
        ("known_social_enterprises", None, "changed", ["qualifier"]),
        ("contacts", contact["name"], "changed", ["email"]),
        ("quality", f"{finding['code']}: {finding['evidence']}", "changed", ["field"]),
        ("shared_premises", None, "changed", []),
    ]
    assert _details(markdown(report))["12 Skåne län"] == [
        "- `known_social_enterprises`: qualifier: – → minst",
        f"- contact {contact['name']}: email: – → kontakt@example.se",
        f"- finding {finding['severity']} `{finding['code']}` — “{finding['evidence']}”: field: {field_before} → "
        "business_promoters",
        "- shared_premises: – → true",
    ]


def test_a_field_one_side_lacks_is_no_change_while_it_is_empty(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    for contact in new.regions[DOC]["10"]["contacts"]:
        contact["phone"] = None
    assert compare(old, new).changes == []


def test_renamed_contact_with_a_new_role_is_one_removed_and_one_added(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    contact = new.regions[DOC]["10"]["contacts"][0]  # Johan Nilsson, PL regionen
    contact |= {"name": "Per Eriksson", "role": "samordnare"}
    assert [(c.item, c.kind) for c in compare(old, new).changes] == [("Per Eriksson", "added"),
                                                                      ("Johan Nilsson", "removed")]


def test_a_contact_whose_line_changed_by_another_name_only_is_not_changed(seed_output):
    """Uppsala: "Andreas Scheutz, PL, regionen (tidigare Alexander Kinigalakis, slutat)"; renaming
    the current holder changes the former one's source_line, which the section's change shows."""
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    contacts = {c["name"]: c for c in new.regions[DOC]["03"]["contacts"]}
    line = contacts["Andreas Scheutz"]["source_line"]
    assert contacts["Alexander Kinigalakis"]["source_line"] == line
    for contact in (contacts["Andreas Scheutz"], contacts["Alexander Kinigalakis"]):
        contact["source_line"] = line.replace("Andreas Scheutz", "Maria Lind")
    contacts["Andreas Scheutz"]["name"] = "Maria Lind"
    records = [(c.field, c.item, c.kind, c.changed) for c in compare(old, new).changes]
    assert records == [("contacts", "Andreas Scheutz", "changed", ["name", "source_line"])]


def test_goal_inserted_in_the_middle_is_one_goal_added(seed_output):
    """The goals below it are renumbered: positions, labels that follow them and ordinals are not changes."""
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    goals = new.regions[DOC]["10"]["goals"]
    goals.insert(1, {"ordinal": 2, "label": "2.", "text": "Ett nytt mål.", "start": 0, "end": 0})
    for n, goal in enumerate(goals, start=1):
        goal |= {"ordinal": n, "label": f"{n}."}
    records = [(c.field, c.item, c.kind) for c in compare(old, new).changes]
    assert records == [("goals", "2.", "added")]


def test_goals_that_trade_places_are_not_a_change(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    goals = new.regions[DOC]["10"]["goals"]
    goals[0], goals[2] = goals[2] | {"ordinal": 1, "label": "1."}, goals[0] | {"ordinal": 3, "label": "3."}
    assert compare(old, new).changes == []


def test_reworded_goal_is_one_goal_changed(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    goal = new.regions[DOC]["10"]["goals"][1]
    goal["text"] = goal["text"].replace("Ta fram en arbetsmetod", "Ta fram en enkel arbetsmetod")
    change, = compare(old, new).changes
    assert (change.field, change.item, change.kind, change.changed) == ("goals", "2.", "changed", ["text"])
    assert markdown(compare(old, new)).count("- goal 2. reworded: Ta fram en **enkel** arbetsmetod som kan appliceras")


def test_finding_message_whose_line_moved_is_not_a_change(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    leftover = new.documents[DOC]["quality"][1]
    assert re.search(r"source line \d+", leftover["message"])
    leftover["message"] = re.sub(r"source line \d+", "source line 999", leftover["message"])
    assert compare(old, new).changes == []


def test_reordered_regions_are_not_a_change(seed_output, tmp_path):
    blekinge = SEED_TEXT[SEED_TEXT.index("Region Blekinge sprider"):SEED_TEXT.index("Region Dalarna utvecklar")]
    reordered = SEED_TEXT.replace(blekinge, "").replace("Region Östergötland utvecklar stödsystem genom samverkan\n",
                                                       blekinge + "Region Östergötland utvecklar stödsystem genom samverkan\n")
    report = compare(load_folder(seed_output), load_folder(extract_text_into(tmp_path, reordered)))
    assert not report.changed, markdown(report)


def test_region_removed(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    del new.regions[DOC]["03"]
    records = [(c.region, c.field, c.kind) for c in compare(old, new).changes]
    assert records == [("03", "region", "removed")]
    assert "- 03 Uppsala län: removed" in markdown(compare(old, new))


def test_intro_claims_are_compared(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    document = new.documents[DOC]
    document["regions_claimed"] = 18
    document["focus_areas"] = [*document["focus_areas"][1:], "kompetensförsörjning"]  # "upphandling" gone
    records = [(c.field, c.item, c.kind, c.old, c.new) for c in compare(old, new).changes]
    assert records == [("focus_areas", "kompetensförsörjning", "added", None, "kompetensförsörjning"),
                       ("focus_areas", "upphandling", "removed", "upphandling", None),
                       ("regions_claimed", None, "changed", 17, 18)]


def test_other_kinds_of_change_read_as_a_reviewer_expects(seed_output):
    old = load_folder(seed_output)
    new = copy.deepcopy(old)
    blekinge = new.regions[DOC]["10"]
    blekinge["title"] = "Region Blekinge sprider mer kunskap"
    del blekinge["business_promoters"]  # a metric the profile no longer has
    blekinge["sections"].append({"section": "other", "label": "Nytt", "text": "En ny text.", "start": 0, "end": 11})
    blekinge["contacts"].append({"name": "Ny Person", "role": None, "role_raw": None, "organisation_id": "almi",
                                 "organisation_raw": "ALMI", "status": "former", "note": None,
                                 "source_line": "Ny Person, ALMI", "start": 0, "end": 9})
    blekinge["purpose_items"][0]["text"] += " Och mer."
    new.regions[DOC]["12#2"] = copy.deepcopy(new.regions[DOC]["12"])  # Skåne repeated
    new.documents["en-annan-rapport"] = {"document_id": "en-annan-rapport", "title": "Annan", "regions_found": 0}
    text = markdown(compare(old, new))
    assert "`en-annan-rapport`: document added" in text and "- document added: “Annan” (0 regions)" in text
    assert _details(text)["10 Blekinge län"] == [
        "- title: Region Blekinge sprider **mer** kunskap",
        "- `business_promoters` removed: 4 (listed) → absent",  # Blekinge's promoter line names four
        "- section added: Nytt (other): “En ny text.”",
        "- contact added: Ny Person, ALMI (former)",
        "- purpose item a) reworded: … i det företagsfrämjande systemet i Blekinge. **Och mer.**",
    ]
    assert _details(text)["12#2 Skåne län"][0].startswith("- region added: Region Skåne: ")
    del new.documents[DOC]
    assert "`tillvaxtverket-sa-arbetar-regionerna`: document removed" in markdown(compare(old, new))


def test_pair_similarity_separates_rewordings_from_other_items(seed_output):
    """PAIR_SIMILARITY against the seed: one word changed in any goal or purpose item stays above
    it; different items of one region fall below it but for one pair that shares a clause."""
    above = []
    for region in load_folder(seed_output).regions[DOC].values():
        for field in ("goals", "purpose_items"):
            texts = [item["text"] for item in region[field]]
            for text in texts:
                words = text.split()
                reworded = " ".join([*words[:-1], "ändrat"])
                assert similarity(text, reworded) >= PAIR_SIMILARITY or len(words) < 4, text
            above += [(region["county_code"], a[:30], b[:30]) for n, a in enumerate(texts) for b in texts[n + 1:]
                      if similarity(a, b) >= PAIR_SIMILARITY]
    assert above == [("05", "Att all företagsrådgivning är ", "Att Partnerskapet för regional")]


def test_word_diff():
    assert word_diff("a b c d", "a x c d e") == "a ~~b~~ **x** c d **e**"


def test_word_diff_matches_words_without_their_punctuation():
    assert word_diff("upphandling och finansiering.", "upphandling, effektmätning och finansiering.") == (
        "upphandling, **effektmätning** och finansiering.")
    assert word_diff("Kända: 44.", "Kända: 44") == "Kända: ~~44.~~ **44**"  # only punctuation changed


def test_word_diff_keeps_a_little_context():
    old = " ".join(f"w{n}" for n in range(40))
    new = old.replace("w20", "ny")
    assert word_diff(old, new, context=3) == "… w17 w18 w19 ~~w20~~ **ny** w21 w22 w23 …"


def test_git_revisions_are_read(seed_output, tmp_path):
    repository = tmp_path / "repo"
    (repository / "output").mkdir(parents=True)
    subprocess.run(["cp", "-r", str(seed_output / "json"), str(repository / "output")], check=True)
    git = ["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    assert compare(load_revision("HEAD", repository), load_folder(seed_output)).changed is False


def test_exit_codes_and_formats(seed_output, every_kind_output, tmp_path):
    same = cli("diff", str(seed_output), str(seed_output), cwd=tmp_path)
    assert (same.returncode, same.stdout.splitlines()[-1]) == (0, "No changes.")
    changed = cli("diff", str(seed_output), str(every_kind_output), "--format", "json", cwd=tmp_path)
    assert changed.returncode == 1 and len(json.loads(changed.stdout)["changes"]) == 16
    missing = cli("diff", str(seed_output), "nowhere", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and re.match(r"error: nowhere: ", missing.stderr)
    assert missing.stdout == ""


def test_html_that_cannot_be_written_is_an_error(seed_output, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = cli("diff", str(seed_output), str(seed_output), "--html", str(tmp_path / "a-file" / "diff.html"),
                 cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "a-file/diff.html" in result.stderr


@pytest.mark.parametrize("status, said", [(0, "diff -m pipeline diff HEAD output"), (1, "changes found"), (2, None)])
def test_make_diff_says_whether_anything_changed_and_fails_only_on_an_error(tmp_path, status, said):
    """``make diff`` is a report: a change is "changes found", not make's error line; an error (2)
    still fails. A job that gates on changes uses ``pipeline diff``'s own status or ``make check-output``."""
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\necho \"diff $*\"\nexit {status}\n", encoding="utf-8")
    fake.chmod(0o755)
    result = subprocess.run(["make", "--no-print-directory", "-o", "extract", "diff", f"PY={fake}"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.stdout.startswith("diff -m pipeline diff HEAD output")
    if said is None:
        assert result.returncode != 0
    else:
        assert result.returncode == 0 and result.stdout.splitlines()[-1] == said and "Error" not in result.stderr


def test_readme_describes_the_report():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for phrase in ("--format markdown|json", "docs/diff-report.schema.json", "--html", "region-local"):
        assert phrase in readme, phrase


def test_a_report_saved_under_another_file_name_is_compared_with_itself(seed_output, tmp_path):
    """The same report (profile and title) under a new file name is one document whose id and source
    path changed, not one removed and one added; a new report beside it is still added."""
    import shutil

    old = load_folder(seed_output)
    (document_id,) = old.documents
    renamed = tmp_path / "json" / "sa-arbetar-regionerna-2025"
    shutil.copytree(seed_output / "json" / document_id, renamed)
    document = json.loads((renamed / "document.json").read_text(encoding="utf-8"))
    document.update(document_id=renamed.name, source_path="raw/sa-arbetar-regionerna-2025.txt")
    (renamed / "document.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    other = tmp_path / "json" / "annan-rapport"
    shutil.copytree(seed_output / "json" / document_id, other)
    document.update(document_id=other.name, title="En annan rapport")
    (other / "document.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    report = compare(old, load_folder(tmp_path))
    mine = [(c.document_id, c.field, c.kind, c.old, c.new) for c in report.changes if c.document_id == renamed.name]
    assert mine == [(renamed.name, "document_id", "changed", document_id, renamed.name),
                    (renamed.name, "source_path", "changed", f"raw/{SEED.name}", "raw/sa-arbetar-regionerna-2025.txt")]
    assert [(c.document_id, c.field, c.kind) for c in report.changes if c.document_id != renamed.name] == [
        ("annan-rapport", "document", "added")]
    assert "- document_id: " + document_id + " → sa-arbetar-regionerna-2025" in markdown(report)
