"""Region files are region-local: their offsets count from the region's heading, they agree with the
Parquet tables' document offsets, and an edit to one region changes that region's file and no other."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from pipeline.publish.region_file import document_offsets
from pipeline.runner import run as runner
from tests.conftest import SEED, extract_text_into

DOC = "tillvaxtverket-sa-arbetar-regionerna"
SPANNED = {"sections": "text", "goals": "text", "purpose_items": "text", "mentions": "surface", "contacts": "name"}
"""Region file lists whose elements' spans cover a text of theirs, and that text's key."""


@pytest.fixture(scope="module")
def project(seed_output) -> dict:
    """The seed's region files, interim text and Parquet tables."""
    text = (seed_output.parent / "interim" / DOC / "text.txt").read_text(encoding="utf-8")
    files = {json.loads(p.read_text(encoding="utf-8"))["county_code"]: json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((seed_output / "json" / DOC).glob("[0-9]*.json"))}
    tables = {name: pd.read_parquet(seed_output / "parquet" / f"{name}.parquet")
              for name in ("regions", "counts", "quality", *SPANNED)}
    heading_starts = dict(zip(tables["regions"]["county_code"], tables["regions"]["heading_start"]))
    return {"text": text, "files": files, "tables": tables, "heading_starts": heading_starts}


def test_region_file_offsets_count_from_the_heading(project):
    text, heading_starts = project["text"], project["heading_starts"]
    ends = dict(zip(sorted(heading_starts.values()), [*sorted(heading_starts.values())[1:], len(text)]))
    assert len(project["files"]) == 17
    for county, region in project["files"].items():
        region_text = text[heading_starts[county] : ends[heading_starts[county]]]
        assert (region["heading_start"], region["heading_end"]) == (0, len(region["title"]))
        assert region_text[: region["heading_end"]] == region["title"]
        for field, key in SPANNED.items():
            for item in region[field]:
                assert region_text[item["start"] : item["end"]] == item[key], (county, field, item)
        for metric in ("known_social_enterprises", "municipalities_promoting", "business_promoters"):
            count = region[metric]
            if count["start"] is not None:
                assert region_text[count["start"] : count["end"]] == count["raw"], (county, metric)


def test_region_file_offsets_plus_the_heading_are_the_parquet_offsets(project):
    tables, heading_starts = project["tables"], project["heading_starts"]
    checked = 0
    for county, region in project["files"].items():
        in_document = document_offsets(region, heading_starts[county])
        for field in SPANNED:
            rows = tables[field][tables[field]["county_code"] == county]
            assert [(i["start"], i["end"]) for i in in_document[field]] == list(zip(rows["start"], rows["end"]))
            checked += len(rows)
        counts = tables["counts"][tables["counts"]["county_code"] == county].set_index("metric")
        for metric, row in counts.iterrows():
            start = None if pd.isna(row["start"]) else int(row["start"])
            assert in_document[metric]["start"] == start
        findings = tables["quality"][tables["quality"]["county_code"] == county]
        assert [f["start"] for f in in_document["quality"]] == [None if pd.isna(s) else int(s)
                                                                 for s in findings["start"]]
    assert checked > 600  # every span of the seed, not a few


def test_finding_lines_count_from_the_heading_line(project):
    """'region line k' in a region file is 'line n' of text.txt in Parquet, k = n - (heading line) + 1."""
    text, tables, heading_starts = project["text"], project["tables"], project["heading_starts"]
    lines = text.split("\n")
    seen = 0
    for county, region in project["files"].items():
        heading_line = text.count("\n", 0, heading_starts[county]) + 1
        messages = tables["quality"][tables["quality"]["county_code"] == county]["message"].tolist()
        for finding, parquet_message in zip(region["quality"], messages):
            local = re.match(r"region line (\d+): ", finding["message"])
            if local is None:
                assert finding["message"] == parquet_message
                continue
            seen += 1
            number = int(re.match(r"line (\d+): ", parquet_message).group(1))
            assert number == heading_line + int(local.group(1)) - 1
            assert finding["evidence"] in lines[number - 1]
            assert finding["message"][local.end():] == parquet_message.split(": ", 1)[1]
    assert seen >= 8  # the seed's label variants and sub-headings


def test_region_schema_states_the_rule(seed_output, project):
    schema = json.loads((seed_output / "schema" / "region.schema.json").read_text(encoding="utf-8"))
    assert "region-local" in schema["description"] and "heading" in schema["description"]
    assert schema["properties"]["heading_start"]["const"] == 0
    assert "region heading" in schema["$defs"]["Section"]["properties"]["start"]["description"]
    assert "text.txt" not in json.dumps(schema["$defs"]["Mention"]["properties"]["start"])
    for region in project["files"].values():
        jsonschema.validate(region, schema)


def _git(repository: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          check=True, capture_output=True, text=True).stdout


def test_an_edit_in_the_first_region_changes_only_its_file(tmp_path):
    """The seed's first region is Blekinge; its count grows by two characters, which moves every
    later region of text.txt."""
    project = tmp_path / "project"
    extract_text_into(project, SEED.read_text(encoding="utf-8"))
    _git(project, "init", "-q")
    _git(project, "add", "output/json")
    _git(project, "commit", "-qm", "seed")
    edited = SEED.read_text(encoding="utf-8").replace("Kända sociala företag: 44\n", "Kända sociala företag: 1044\n")
    (project / "raw" / SEED.name).write_text(edited, encoding="utf-8")
    runner.run(project / "raw", project / "interim", project / "output")
    assert _git(project, "diff", "--name-only", "--", "output/json").split() == [f"output/json/{DOC}/10-blekinge.json"]
    assert _git(project, "ls-files", "--others", "--", "output/json") == ""
    heading_starts = pd.read_parquet(project / "output" / "parquet" / "regions.parquet")
    assert heading_starts.set_index("county_code").loc["20", "heading_start"] > 0  # Dalarna did move in text.txt


def _changed_files(before: Path, after: Path) -> list[str]:
    a, b = before / "json" / DOC, after / "json" / DOC
    names = {p.name for p in a.iterdir()} | {p.name for p in b.iterdir()}
    return sorted(n for n in names if not (a / n).is_file() or not (b / n).is_file()
                  or (a / n).read_bytes() != (b / n).read_bytes())


def test_a_region_added_changes_only_its_file_and_document_json(seed_output, every_kind_output):
    """Kalmar is added after the first region, and Kronoberg gains a goal line, so every later
    region moves down in text.txt, by characters and by lines; only the edited regions' files,
    the new one and document.json differ."""
    assert _changed_files(seed_output, every_kind_output) == [
        "01-stockholm.json", "03-uppsala.json", "07-kronoberg.json", "08-kalmar.json", "10-blekinge.json",
        "20-dalarna.json", "23-jamtland-harjedalen.json", "document.json"]


def test_a_region_removed_changes_only_document_json(seed_output, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    blekinge = text[text.index("Region Blekinge sprider kunskap"):text.index("Region Dalarna utvecklar")]
    without = extract_text_into(tmp_path, text.replace(blekinge, ""))
    assert _changed_files(seed_output, without) == ["10-blekinge.json", "document.json"]
    assert not (without / "json" / DOC / "10-blekinge.json").exists()

