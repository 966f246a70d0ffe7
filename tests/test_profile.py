"""The document profile: a new edition's label rename, new section and new count line need a
profile edit and no code change; a bad profile is one line naming its key; the profile is part of
the cache key."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import profile as profiles
from pipeline.profile import ProfileError
from pipeline.runner import run as runner
from tests.conftest import PROFILE, ROOT, SEED, cli

DEFAULT_TOML = profiles.DEFAULT_PROFILE.read_text(encoding="utf-8")
SEED_TEXT = SEED.read_text(encoding="utf-8")

def _edit(text: str, *changes: tuple[str, str]) -> str:
    """``text`` with each (old, new) replaced once; an ``old`` that is not there is a broken test."""
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# The seed as a next edition would change it: Blekinge's partners label renamed, a budget section
# added, and a fourth count line after the three of Blekinge.
EDITED_SEED = _edit(
    SEED_TEXT,
    ("Samverkanspartners: BBI (Blekinge", "Parter i projektet: BBI (Blekinge"),
    ("Tidigare engagemang: ERUF-projekt Social Integrering Blekinge",
     "Budget: 4,2 miljoner kronor, varav hälften från ERUF.\n\n"
     "Tidigare engagemang: ERUF-projekt Social Integrering Blekinge"),
    ("Nyföretagarcentrum-kontor i kommunerna.\n",
     "Nyföretagarcentrum-kontor i kommunerna.\nDeltagare i projektets aktiviteter: 120\n"))

EDITED_PROFILE = _edit(
    DEFAULT_TOML,
    ('label = "Samverkanspartners"\nvariants = [', 'label = "Samverkanspartners"\nvariants = ["Parter i projektet", '),
    ('[[sections]]\nid = "concrete"',
     '[[sections]]\nid = "budget"\nlabel = "Budget"\nreads_as = "text"\nexpected = false\n'
     'description = "the project\'s budget"\n\n[[sections]]\nid = "concrete"'),
    ("[counts]\n", '[[metrics]]\nid = "participants"\nlabel = "Deltagare i projektets aktiviteter"\n'
                   'description = "people taking part in the project\'s activities"\n\n[counts]\n'))


def _project(root: Path, text: str, profile_text: str | None) -> Path:
    (root / "raw").mkdir(parents=True)
    (root / "raw" / SEED.name).write_text(text, encoding="utf-8")
    if profile_text is not None:
        (root / "family.toml").write_text(profile_text, encoding="utf-8")
    return root


def _region(root: Path, name: str = "10-blekinge.json") -> dict:
    return json.loads((root / "output" / "json" / "tillvaxtverket-sa-arbetar-regionerna" / name).read_text("utf-8"))


def test_label_rename_new_section_and_new_count_line_need_only_a_profile_edit(tmp_path):
    root = _project(tmp_path, EDITED_SEED, EDITED_PROFILE)
    result = cli("extract", "-q", "--profile", "family.toml", cwd=root)
    assert result.returncode == 0, result.stderr
    region = _region(root)
    sections = {s["section"]: s for s in region["sections"]}
    assert sections["partners"]["label"] == "Parter i projektet"
    assert sections["budget"]["text"] == "4,2 miljoner kronor, varav hälften från ERUF."
    # the new count line is a count like the others, after them in the JSON
    assert region["participants"] == {"value": 120, "basis": "stated", "qualifier": "exact", "raw": "120", "listed": None,
                                      "list_is_partial": False, "start": region["participants"]["start"],
                                      "end": region["participants"]["end"]}
    keys = list(region)
    assert keys.index("business_promoters") + 1 == keys.index("participants")
    codes = [f["code"] for f in region["quality"]]
    assert "unknown_label" not in codes and "label_variant" in codes  # "Parter i projektet" is a listed variant
    # the partners are still read as organisations under the new label
    assert {"blekinge-business-incubator", "coompanion", "almi"} <= {
        m["organisation_id"] for m in region["mentions"] if m["section"] == "partners"}
    # other regions have no such line: reported, never silently zero
    other = _region(root, "20-dalarna.json")
    assert other["participants"]["basis"] == "none" and "missing_count_line" in [f["code"] for f in other["quality"]]
    regions = pd.read_parquet(root / "output" / "parquet" / "regions.parquet").set_index("county_code")
    assert regions.loc["10", "participants"] == 120 and pd.isna(regions.loc["20", "participants"])
    counts = pd.read_parquet(root / "output" / "parquet" / "counts.parquet")
    assert sorted(set(counts.metric)) == ["business_promoters", "known_social_enterprises",
                                          "municipalities_promoting", "participants"]
    package = json.loads((root / "output" / "datapackage.json").read_text(encoding="utf-8"))
    metric = next(f for r in package["resources"] if r["name"] == "counts" for f in r["schema"]["fields"]
                  if f["name"] == "metric")
    assert "participants" in metric["constraints"]["enum"]


def test_without_the_profile_edit_the_same_edition_is_reported_not_lost(tmp_path):
    root = _project(tmp_path, EDITED_SEED, None)
    assert cli("extract", "-q", cwd=root).returncode == 0
    region = _region(root)
    labels = {f["evidence"] for f in region["quality"] if f["code"] == "unknown_label"}
    assert labels == {"Parter i projektet", "Budget"}
    assert "participants" not in region


@pytest.mark.parametrize("change, key", [
    (('reads_as = "goals"', 'reads_as = "table"'), "sections[4].reads_as"),
    (('id = "contact"', 'id = "Contact person"'), "sections[0].id"),
    (('heading_forms = ["Region {short_name}", "{region_aliases}"]', 'heading_forms = ["Region {kortnamn}"]'),
     "regions.heading_forms"),
    # a form that names no county gave every unit the first county's code, in silence (issue 23's case)
    (('heading_forms = ["Region {short_name}", "{region_aliases}"]', 'heading_forms = ["Servicepunkt"]'),
     "regions.heading_forms"),
    (("[counts]\n", "[counts]\nnone_word = ['-']\n"), "counts.none_word"),
    (("patterns = ['\\b(?P<claimed>\\d+)\\s+av\\s+(?:\\w+\\s+){0,2}?(?P<of>\\d+)\\s+(?:\\w+\\s+)?regioner']",
      "patterns = ['(\\d+) av']"),
     "intro.claims[0]"),
    (('id = "concrete"', 'id = "goals"'), "(top level)"),
])
def test_a_bad_profile_is_one_line_that_names_the_key(tmp_path, change, key):
    assert DEFAULT_TOML.count(change[0]) >= 1
    root = _project(tmp_path, SEED_TEXT, DEFAULT_TOML.replace(change[0], change[1], 1))
    result = cli("extract", "--profile", "family.toml", cwd=root)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: family.toml: profile key ") and key in result.stderr
    assert not (root / "output").exists() and not (root / "interim").exists()


def test_a_profile_that_is_not_toml_or_not_there_is_one_line(tmp_path):
    root = _project(tmp_path, SEED_TEXT, "id = 'x\n")
    result = cli("extract", "--profile", "family.toml", cwd=root)
    assert result.returncode == 1 and "not a valid TOML file" in result.stderr and "\n" not in result.stderr.strip()
    result = cli("extract", "--profile", "missing.toml", cwd=root)
    assert result.returncode in (1, 2) and "missing.toml" in result.stderr and not (root / "output").exists()


def test_the_profile_is_part_of_the_cache_key(tmp_path):
    root = _project(tmp_path, SEED_TEXT, DEFAULT_TOML)
    first = profiles.load(root / "family.toml")
    paths = (root / "raw", root / "interim", root / "output")
    assert runner.run(*paths, profile=first).reextracted == 1
    assert runner.run(*paths, profile=first).reused == 1
    (root / "family.toml").write_text(DEFAULT_TOML.replace('"vet ej"]', '"vet ej", "okänd"]'), encoding="utf-8")
    assert runner.run(*paths, profile=profiles.load(root / "family.toml")).reextracted == 1


def test_the_default_profile_loads_and_declares_the_seed_family():
    assert PROFILE.id == "sa-arbetar-regionerna" and PROFILE.metric_ids == (
        "known_social_enterprises", "municipalities_promoting", "business_promoters")
    assert len(PROFILE.sha256) == 64


def test_profile_errors_are_pipeline_errors(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(DEFAULT_TOML.replace('label = "Kontakt"', 'label = ""'), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"profile key sections\[0\]\.label"):
        profiles.load(path)


def test_a_copy_of_the_profile_extracts_the_seed_exactly_as_the_default(tmp_path, seed_output):
    root = _project(tmp_path, SEED_TEXT, DEFAULT_TOML)
    shutil.copy(profiles.DEFAULT_PROFILE, root / "family.toml")
    assert cli("extract", "-q", "--profile", "family.toml", cwd=root).returncode == 0
    for path in (seed_output / "json").rglob("*.json"):
        assert (root / "output" / "json" / path.relative_to(seed_output / "json")).read_bytes() == path.read_bytes()


def test_the_contact_section_is_known_by_what_it_reads_as_not_by_its_id(tmp_path, seed_output):
    renamed = _edit(DEFAULT_TOML, ('id = "contact"', 'id = "people"'), ('section = "contact"', 'section = "people"'))
    root = _project(tmp_path, SEED_TEXT, renamed)
    assert cli("extract", "-q", "--profile", "family.toml", cwd=root).returncode == 0
    for path in (seed_output / "json").glob("*/[0-9]*.json"):
        expected = [f["code"] for f in json.loads(path.read_text(encoding="utf-8"))["quality"]]
        got = [f["code"] for f in json.loads((root / "output" / "json" / path.relative_to(seed_output / "json"))
                                             .read_text(encoding="utf-8"))["quality"]]
        assert got == expected, path.name


def test_every_profile_key_is_explained_in_the_profiles_guide():
    """docs/profiles.md is how a maintainer learns to write a profile: each key of the profile
    model (at every level) is named there."""
    import typing

    from pipeline.profile import Profile, _Part

    guide = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    missing, seen = [], set()

    def walk(model: type[_Part]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            key = info.alias or name
            if model is Profile and key == "sha256":
                continue  # set on load from the file's bytes, never written in a profile
            if not re.search(rf"[`.\[]{re.escape(key)}[`\]]", guide):  # `key`, `lists.key`, [[intro.key]]
                missing.append(f"{model.__name__}.{key}")
            for arg in [info.annotation, *typing.get_args(info.annotation)]:
                for inner in [arg, *typing.get_args(arg)]:
                    if isinstance(inner, type) and issubclass(inner, _Part):
                        walk(inner)

    walk(Profile)
    assert missing == []
